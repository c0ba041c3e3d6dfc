//! A stateful fake of the GitHub REST API on wiremock, for the real binary and for workflow
//! steps: issues (open, list by labels, comment, close), labels, workflow runs and workflows
//! (list, enable). It checks the bearer token; anything else gets a 418, so it fails loudly.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The repository the fake serves.
pub const REPO: &str = "owner/logbook";
/// The token it accepts.
pub const TOKEN: &str = "ghs_fake-token-7f3a";

/// One issue (or pull request) of the fake.
#[derive(Debug, Clone)]
pub struct FakeIssue {
    pub number: u64,
    pub title: String,
    pub body: String,
    pub labels: Vec<String>,
    pub open: bool,
    pub created_at: String,
    pub pull_request: bool,
    pub comments: Vec<(String, String)>,
}

/// What the fake holds and how it misbehaves.
#[derive(Debug, Default)]
pub struct State {
    /// The time it stamps new issues and comments with (RFC 3339 UTC).
    pub now: String,
    pub issues: Vec<FakeIssue>,
    pub labels: BTreeSet<String>,
    /// Workflow runs, as the API gives them.
    pub runs: Vec<Value>,
    /// Workflows: `{"id", "name", "path", "state"}`.
    pub workflows: Vec<Value>,
    /// Ids of workflows enabled, in order.
    pub enabled: Vec<u64>,
    /// `METHOD path?query` of every request.
    pub requests: Vec<String>,
    /// Issues are turned off (410 on create).
    pub issues_disabled: bool,
    /// New issues lose their labels (a token that may not set them).
    pub drop_labels: bool,
}

/// The fake server and its state.
pub struct FakeGitHub {
    pub server: MockServer,
    pub state: Arc<Mutex<State>>,
    _runtime: tokio::runtime::Runtime,
}

struct Handler(Arc<Mutex<State>>);

fn ok(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

fn issue_json(i: &FakeIssue) -> Value {
    let mut v = json!({
        "number": i.number,
        "html_url": format!("https://github.example/{REPO}/issues/{}", i.number),
        "state": if i.open { "open" } else { "closed" },
        "title": i.title,
        "created_at": i.created_at,
        "labels": i.labels.iter().map(|l| json!({"name": l})).collect::<Vec<_>>(),
    });
    if i.pull_request {
        v["pull_request"] = json!({"url": "https://github.example/pr"});
    }
    v
}

fn query(req: &Request, key: &str) -> Option<String> {
    req.url
        .query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

impl Respond for Handler {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let mut s = self.0.lock().unwrap();
        let path = req.url.path().to_owned();
        let line = match req.url.query() {
            Some(q) => format!("{} {path}?{q}", req.method),
            None => format!("{} {path}", req.method),
        };
        s.requests.push(line);
        let auth = req
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if auth != format!("Bearer {TOKEN}") {
            return ok(401, json!({"message": "Bad credentials"}));
        }
        let Some(rest) = path.strip_prefix(&format!("/repos/{REPO}")) else {
            return ok(418, json!({"message": "unexpected repository"}));
        };
        let call = Call {
            verb: req.method.as_str(),
            parts: rest.split('/').filter(|p| !p.is_empty()).collect(),
            body: serde_json::from_slice(&req.body).unwrap_or(Value::Null),
            req,
        };
        match call.parts.first().copied() {
            Some("issues") => issues(&mut s, &call),
            Some("labels") if call.verb == "POST" => label(&mut s, &call),
            Some("actions") => actions(&mut s, &call),
            _ => unexpected(),
        }
    }
}

/// One request, taken apart.
struct Call<'a> {
    verb: &'a str,
    parts: Vec<&'a str>,
    body: Value,
    req: &'a Request,
}

fn unexpected() -> ResponseTemplate {
    ok(418, json!({"message": "unexpected request"}))
}

fn label(s: &mut State, c: &Call) -> ResponseTemplate {
    let name = c.body["name"].as_str().unwrap_or_default().to_owned();
    if s.labels.insert(name) {
        ok(201, json!({"name": c.body["name"]}))
    } else {
        let errors = json!([{"code": "already_exists"}]);
        ok(
            422,
            json!({"message": "Validation Failed", "errors": errors}),
        )
    }
}

fn issues(s: &mut State, c: &Call) -> ResponseTemplate {
    match (c.verb, &c.parts[1..]) {
        ("GET", []) => {
            let want: Vec<String> = query(c.req, "labels")
                .unwrap_or_default()
                .split(',')
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect();
            let list: Vec<Value> = s
                .issues
                .iter()
                .filter(|i| i.open && want.iter().all(|w| i.labels.contains(w)))
                .map(issue_json)
                .collect();
            ok(200, Value::Array(list))
        }
        ("POST", []) => {
            if s.issues_disabled {
                return ok(410, json!({"message": "Issues are disabled for this repo"}));
            }
            let labels = match (s.drop_labels, c.body["labels"].as_array()) {
                (false, Some(a)) => a
                    .iter()
                    .filter_map(|l| l.as_str().map(str::to_owned))
                    .collect(),
                _ => Vec::new(),
            };
            let issue = FakeIssue {
                number: s.issues.len() as u64 + 1,
                title: c.body["title"].as_str().unwrap_or_default().to_owned(),
                body: c.body["body"].as_str().unwrap_or_default().to_owned(),
                labels,
                open: true,
                created_at: s.now.clone(),
                pull_request: false,
                comments: Vec::new(),
            };
            let answer = issue_json(&issue);
            s.issues.push(issue);
            ok(201, answer)
        }
        (_, [n, ..]) => one_issue(s, c, n),
        _ => unexpected(),
    }
}

fn one_issue(s: &mut State, c: &Call, n: &str) -> ResponseTemplate {
    let now = s.now.clone();
    let Some(i) = n
        .parse::<u64>()
        .ok()
        .and_then(|n| s.issues.iter_mut().find(|i| i.number == n))
    else {
        return ok(404, json!({"message": "Not Found"}));
    };
    match (c.verb, &c.parts[2..]) {
        ("GET", ["comments"]) => {
            let since = query(c.req, "since").unwrap_or_default();
            let list: Vec<Value> = i
                .comments
                .iter()
                .enumerate()
                .filter(|(_, (_, at))| *at >= since)
                .map(|(n, (b, at))| json!({"id": n + 1, "body": b, "created_at": at}))
                .collect();
            ok(200, Value::Array(list))
        }
        ("POST", ["comments"]) => {
            let b = c.body["body"].as_str().unwrap_or_default().to_owned();
            i.comments.push((b.clone(), now.clone()));
            let id = i.comments.len();
            ok(201, json!({"id": id, "body": b, "created_at": now}))
        }
        ("PATCH", []) => {
            if c.body["state"] == "closed" {
                i.open = false;
            }
            ok(200, issue_json(i))
        }
        _ => unexpected(),
    }
}

fn actions(s: &mut State, c: &Call) -> ResponseTemplate {
    match (c.verb, &c.parts[1..]) {
        ("GET", ["runs"]) => {
            let event = query(c.req, "event");
            let since = query(c.req, "created")
                .map(|c| c.trim_start_matches(">=").to_owned())
                .unwrap_or_default();
            let runs: Vec<Value> = s
                .runs
                .iter()
                .filter(|r| event.as_deref().is_none_or(|e| r["event"] == e))
                .filter(|r| r["created_at"].as_str().unwrap_or_default() >= since.as_str())
                .cloned()
                .collect();
            ok(
                200,
                json!({"total_count": runs.len(), "workflow_runs": runs}),
            )
        }
        ("GET", ["workflows"]) => {
            let w = s.workflows.clone();
            ok(200, json!({"total_count": w.len(), "workflows": w}))
        }
        ("PUT", ["workflows", id, "enable"]) => match id.parse::<u64>() {
            Ok(id) if s.workflows.iter().any(|w| w["id"] == id) => {
                s.enabled.push(id);
                ResponseTemplate::new(204)
            }
            _ => ok(404, json!({"message": "Not Found"})),
        },
        _ => unexpected(),
    }
}

impl FakeGitHub {
    pub fn start(now: &str) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let state = Arc::new(Mutex::new(State {
            now: now.to_owned(),
            ..State::default()
        }));
        let server = runtime.block_on(async {
            let server = MockServer::start().await;
            Mock::given(any())
                .respond_with(Handler(state.clone()))
                .mount(&server)
                .await;
            server
        });
        Self {
            server,
            state,
            _runtime: runtime,
        }
    }

    pub fn set_now(&self, now: &str) {
        self.state.lock().unwrap().now = now.to_owned();
    }

    /// The environment a job's step gets on Actions, pointing at this fake.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("GITHUB_API_URL", self.server.uri()),
            ("GITHUB_REPOSITORY", REPO.to_owned()),
            ("GITHUB_TOKEN", TOKEN.to_owned()),
            ("GITHUB_SERVER_URL", "https://github.example".to_owned()),
        ]
    }

    /// Open issues of the fake (not pull requests) with `label`.
    pub fn open_with(&self, label: &str) -> Vec<FakeIssue> {
        self.state
            .lock()
            .unwrap()
            .issues
            .iter()
            .filter(|i| i.open && !i.pull_request && i.labels.iter().any(|l| l == label))
            .cloned()
            .collect()
    }

    /// Every issue, open or closed.
    pub fn issues(&self) -> Vec<FakeIssue> {
        self.state.lock().unwrap().issues.clone()
    }
}
