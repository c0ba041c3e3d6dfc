//! `cph50.toml` as `init` writes it: the zone, the daily start and its grace window, and the
//! keys the file already had.

use crate::settings::ConfigFile;

/// The text of `cph50.toml` for `config`, each key with a comment that says what it does.
/// Keys that are `None` are left out.
pub fn render(config: &ConfigFile) -> String {
    let mut out = String::from(
        "# cph50's settings (README, \"Configuration\"). Written by `cph50 init`; flags win over\n\
         # this file. After changing tz, start or grace, run `cph50 init --yes` so that\n\
         # .github/workflows/charge.yml runs at the new time.\n",
    );
    let quoted = |s: &str| toml::Value::String(s.to_owned()).to_string();
    if let Some(tz) = &config.tz {
        out.push_str(
            "\n# Local time zone (IANA name): session folders, months, display times, the daily start.\n",
        );
        out.push_str(&format!("tz = {}\n", quoted(tz)));
    }
    if let Some(start) = &config.start {
        out.push_str("\n# Local time of the daily start (`cph50 charge --at`).\n");
        out.push_str(&format!("start = {}\n", quoted(start)));
    }
    if let Some(grace) = &config.grace {
        out.push_str(
            "\n# How long after the start a late scheduled run may still start (`cph50 charge --grace`).\n",
        );
        out.push_str(&format!("grace = {}\n", quoted(grace)));
    }
    if let Some(data) = &config.data {
        out.push_str("\n# Data folder, relative to this file.\n");
        out.push_str(&format!("data = {}\n", quoted(&data.display().to_string())));
    }
    if let Some(keep) = config.keep_personal_data {
        out.push_str(
            "\n# Keep street, ZIP and coordinates in the monthly caches (private repositories only).\n",
        );
        out.push_str(&format!("keep_personal_data = {keep}\n"));
    }
    if let Some(path) = &config.blog_path {
        out.push_str(
            "\n# Where the blog's URLs start in the site: blog/ or / (a moved Jekyll blog keeps its addresses).\n",
        );
        out.push_str(&format!("blog_path = {}\n", quoted(path)));
    }
    if let Some(locale) = &config.locale {
        out.push_str(
            "\n# How the site writes numbers (BCP 47 locale: separators, the currency symbol's place).\n",
        );
        out.push_str(&format!("locale = {}\n", quoted(locale)));
    }
    if let Some(currency) = &config.currency {
        out.push_str(
            "\n# The currency of ChargePoint's amounts and the site's costs (ISO 4217).\n",
        );
        out.push_str(&format!("currency = {}\n", quoted(currency)));
    }
    if let Some(tariff) = &config.tariff {
        // a table comes after every plain key; serialized whole, so no period is lost
        #[derive(serde::Serialize)]
        struct Wrapper<'a> {
            tariff: &'a crate::tariff::TariffSpec,
        }
        if let Ok(text) = toml::to_string(&Wrapper { tariff }) {
            out.push_str(
                "\n# The rate plan: time-of-use periods and prices (README, \"Rate plan\").\n",
            );
            out.push_str(&text);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendered_config_reads_back_as_the_same_values() {
        let config = ConfigFile {
            data: Some("my data".into()),
            tz: Some("Europe/Berlin".into()),
            keep_personal_data: Some(true),
            start: Some("06:30".into()),
            grace: Some("90m".into()),
            tariff: None,
            blog_path: Some("/".into()),
            locale: Some("de-DE".into()),
            currency: Some("EUR".into()),
        };
        let text = render(&config);
        let back: ConfigFile = toml::from_str(&text).unwrap();
        assert_eq!(back, config);
        assert!(text.contains("tz = \"Europe/Berlin\"\n"), "{text}");
        // a rate plan is written back whole, and still checks
        let with_plan: ConfigFile = toml::from_str(&crate::tariff::readme_sample()).unwrap();
        let text = render(&ConfigFile {
            tz: Some("America/Los_Angeles".into()),
            ..with_plan.clone()
        });
        let back: ConfigFile = toml::from_str(&text).unwrap();
        assert_eq!(back.tariff, with_plan.tariff);
        assert!(
            back.tariff(std::path::Path::new("cph50.toml"))
                .unwrap()
                .is_some()
        );
        let bare = render(&ConfigFile::default());
        assert_eq!(
            toml::from_str::<ConfigFile>(&bare).unwrap(),
            ConfigFile::default()
        );
    }
}
