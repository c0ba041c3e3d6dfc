//! The site's workflow as `doctor` reads it: where `cph50 build` takes its base URL from.

/// Whether the site's workflow builds with the base URL GitHub's Pages settings give: a step
/// `uses: actions/configure-pages` with an `id`, and a step running `cph50 build --base-url`
/// that reads `steps.<id>.outputs.base_url` (in its `env:` or its script).
///
/// # Errors
/// What is missing, as a sentence.
pub fn base_url_source(text: &str) -> std::result::Result<(), String> {
    use serde_norway::Value;
    let doc: Value = serde_norway::from_str(text).map_err(|e| format!("not valid YAML ({e})"))?;
    let steps: Vec<&Value> = doc
        .get("jobs")
        .and_then(Value::as_mapping)
        .into_iter()
        .flat_map(|jobs| jobs.values())
        .filter_map(|job| job.get("steps").and_then(Value::as_sequence))
        .flatten()
        .collect();
    let field = |step: &Value, key: &str| step.get(key).and_then(Value::as_str).map(str::to_owned);
    let pages = steps
        .iter()
        .find(|s| field(s, "uses").is_some_and(|u| u.starts_with("actions/configure-pages@")))
        .ok_or("no step uses actions/configure-pages")?;
    let id = field(pages, "id").ok_or("the configure-pages step has no `id`")?;
    let build = steps
        .iter()
        .find(|s| field(s, "run").is_some_and(|r| r.contains("cph50 build")))
        .ok_or("no step runs `cph50 build`")?;
    let run = field(build, "run").unwrap_or_default();
    if !run.contains("--base-url") {
        return Err("`cph50 build` runs without --base-url".into());
    }
    let output = format!("steps.{id}.outputs.base_url");
    let env_reads = build
        .get("env")
        .and_then(Value::as_mapping)
        .is_some_and(|env| {
            env.values()
                .filter_map(Value::as_str)
                .any(|v| v.replace(' ', "").contains(&output))
        });
    if env_reads || run.replace(' ', "").contains(&output) {
        Ok(())
    } else {
        Err(format!(
            "`cph50 build --base-url` does not take configure-pages' `{output}`"
        ))
    }
}
