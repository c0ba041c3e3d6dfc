//! Text made safe to print: a leaf module used by every layer that puts outside text (file
//! names, field values, server answers) into a message, or a cell into a spreadsheet.

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

/// Characters that make a spreadsheet (Excel, LibreOffice, Google Sheets) read a cell as a
/// formula when they come first: OWASP's CSV injection list (`=`, `+`, `-`, `@`, tab, CR) and
/// ASVS 1.2.10's NUL.
pub const FORMULA_TRIGGERS: [char; 7] = ['=', '+', '-', '@', '\t', '\r', '\0'];

/// A text cell as a spreadsheet will show it and never run it: a cell that starts with one of
/// [`FORMULA_TRIGGERS`] gets a leading `'`, which spreadsheets read as "this is text".
pub fn neutralise(text: &str) -> String {
    if text.starts_with(FORMULA_TRIGGERS) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
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
