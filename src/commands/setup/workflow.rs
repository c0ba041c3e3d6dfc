//! The crons of a workflow file: read from its `on: schedule:` list, and rewritten in place
//! (only those lines change; comments and everything else stay as they are).

use serde_norway::Value;

/// The `cron:` values of a workflow's `on: schedule:` list, in file order.
///
/// # Errors
/// A sentence when the text is not YAML or the schedule is not a list of `cron:` entries.
pub fn crons(text: &str) -> Result<Vec<String>, String> {
    let doc: Value = serde_norway::from_str(text).map_err(|e| format!("not valid YAML: {e}"))?;
    let Some(schedule) = doc.get("on").and_then(|on| on.get("schedule")) else {
        return Ok(Vec::new());
    };
    let items = schedule
        .as_sequence()
        .ok_or("on.schedule is not a list of `- cron:` entries")?;
    items
        .iter()
        .map(|item| {
            item.get("cron")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| "an on.schedule entry has no `cron:` string".to_owned())
        })
        .collect()
}

/// `text` with the entries of its `on: schedule:` list replaced by `comment` lines and one
/// `- cron: "<value>"` line per value of `crons`, at the list's indentation.
///
/// # Errors
/// A sentence when the file has no `schedule:` key under `on:`, or when the result would not
/// read back as exactly `crons` (the file is then left to the user).
pub fn rewrite_crons(
    text: &str,
    crons_wanted: &[String],
    comment: &[String],
) -> Result<String, String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let on = lines
        .iter()
        .position(|l| l.trim_end() == "on:" || l.trim_end() == "\"on\":")
        .ok_or("no top-level `on:` key")?;
    let key = lines
        .iter()
        .enumerate()
        .skip(on + 1)
        .take_while(|(_, l)| {
            l.trim().is_empty() || indent(l) > 0 || l.trim_start().starts_with('#')
        })
        .find(|(_, l)| l.trim_end().trim_start() == "schedule:")
        .map(|(i, _)| i)
        .ok_or("no `schedule:` list under `on:`")?;
    let key_indent = indent(lines[key]);
    // the list: every line after the key that is more indented (or a `- ` item at the same
    // indentation, which YAML allows), up to the last such line (blank lines after it stay)
    let mut end = key + 1;
    let mut item_indent = None;
    for (i, l) in lines.iter().enumerate().skip(key + 1) {
        let t = l.trim_start();
        if t.trim().is_empty() {
            continue;
        }
        let inside = indent(l) > key_indent || (indent(l) == key_indent && t.starts_with("- "));
        if !inside {
            break;
        }
        if t.starts_with("- ") && item_indent.is_none() {
            item_indent = Some(indent(l));
        }
        end = i + 1;
    }
    let pad = " ".repeat(item_indent.unwrap_or(key_indent + 2));
    let mut out: String = lines[..=key].concat();
    for c in comment {
        out.push_str(&format!("{pad}# {c}\n").replace("# \n", "#\n"));
    }
    for c in crons_wanted {
        out.push_str(&format!("{pad}- cron: \"{c}\"\n"));
    }
    out.push_str(&lines[end..].concat());
    match crons(&out) {
        Ok(back) if back == crons_wanted => Ok(out),
        Ok(back) => Err(format!("the rewritten schedule reads back as {back:?}")),
        Err(e) => Err(format!("the rewritten file is {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORKFLOW: &str = "# the daily start\nname: charge\n\non:\n  schedule:\n    # old comment\n    - cron: \"0 13,14 * * *\"\n\n  workflow_dispatch:\n    inputs: {}\n\njobs:\n  charge:\n    runs-on: ubuntu-24.04\n";

    #[test]
    fn crons_are_read_and_rewritten_in_place() {
        assert_eq!(crons(WORKFLOW).unwrap(), ["0 13,14 * * *"]);
        let wanted = vec!["7 4,5,6 * * *".to_owned(), "37 4,5 * * *".to_owned()];
        let out = rewrite_crons(WORKFLOW, &wanted, &["new comment".into(), String::new()]).unwrap();
        assert_eq!(
            out,
            "# the daily start\nname: charge\n\non:\n  schedule:\n    # new comment\n    #\n    - cron: \"7 4,5,6 * * *\"\n    - cron: \"37 4,5 * * *\"\n\n  workflow_dispatch:\n    inputs: {}\n\njobs:\n  charge:\n    runs-on: ubuntu-24.04\n"
        );
        assert_eq!(crons(&out).unwrap(), wanted);
        // a second rewrite with the same values is the same text
        assert_eq!(
            rewrite_crons(&out, &wanted, &["new comment".into(), String::new()]).unwrap(),
            out
        );
    }

    #[test]
    fn items_at_the_keys_indentation_and_a_last_schedule_are_replaced() {
        let text = "on:\n  workflow_dispatch:\n  schedule:\n  - cron: \"0 1 * * *\"\n  - cron: \"0 2 * * *\"\njobs: {}\n";
        let out = rewrite_crons(text, &["7 3 * * *".into()], &[]).unwrap();
        assert_eq!(
            out,
            "on:\n  workflow_dispatch:\n  schedule:\n  - cron: \"7 3 * * *\"\njobs: {}\n"
        );
    }

    #[test]
    fn a_workflow_without_a_schedule_is_refused() {
        let e = rewrite_crons("on:\n  push:\njobs: {}\n", &["7 3 * * *".into()], &[]).unwrap_err();
        assert!(e.contains("schedule"), "{e}");
        assert_eq!(crons("on:\n  push:\n").unwrap(), Vec::<String>::new());
        assert!(crons("on: [\n").is_err());
    }
}
