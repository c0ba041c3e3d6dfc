//! Text made safe to print: a leaf module used by every layer that puts outside text (file
//! names, field values, server answers) into a message.

/// `text` with control characters escaped, so a hostile value in a data file or an API answer
/// cannot move the cursor, recolour the terminal or forge extra lines in a report.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(printable("a\u{1b}[31mb\nc"), "a\\u{1b}[31mb\\nc");
        assert_eq!(printable("plain é"), "plain é");
    }
}
