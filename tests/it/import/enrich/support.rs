//! The fake server and helpers of the `digest enrich` tests: a small HTTP server on 127.0.0.1
//! that answers like arXiv's API (Atom), Hugging Face's paper search and Semantic Scholar's
//! title match (JSON), counts the requests it gets and keeps when each came and with which
//! User-Agent; answers in those shapes; sites in temporary folders; the binary.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One answer of the fake server.
#[derive(Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// Sleep this long before answering (a server slower than the client's timeout).
    pub slow: Option<Duration>,
}

impl Reply {
    pub fn ok(body: impl Into<String>) -> Reply {
        Reply {
            status: 200,
            headers: Vec::new(),
            body: body.into(),
            slow: None,
        }
    }
    pub fn status(status: u16, body: &str) -> Reply {
        Reply {
            status,
            ..Reply::ok(body)
        }
    }
}

/// Which API a request was for, and the title it asked about (decoded, quotes and the `ti:`
/// prefix removed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Api {
    Arxiv,
    Hf,
    S2,
}

pub type Handler = dyn Fn(Api, &str, usize) -> Reply + Send + Sync;

/// A request the fake server got: which API and title (`Arxiv <key>`), when, and the
/// User-Agent it came with.
pub struct Seen {
    pub line: String,
    pub at: Instant,
    pub user_agent: String,
}

/// A server on 127.0.0.1 answering each request with `handler(api, title, nth request for
/// that api and title)`, keeping every request.
pub struct FakeServer {
    pub base: String,
    pub requests: Arc<Mutex<Vec<Seen>>>,
}

impl FakeServer {
    pub fn start(
        handler: impl Fn(Api, &str, usize) -> Reply + Send + Sync + 'static,
    ) -> FakeServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let seen = Arc::clone(&requests);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let handler = Arc::clone(&handler);
                let seen = Arc::clone(&seen);
                std::thread::spawn(move || serve(stream, &*handler, &seen));
            }
        });
        FakeServer { base, requests }
    }

    pub fn count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }

    /// The User-Agent of every request so far.
    pub fn user_agents(&self) -> Vec<String> {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .map(|s| s.user_agent.clone())
            .collect()
    }

    /// When each request for `line` (`Hf <key>`) came.
    pub fn times(&self, line: &str) -> Vec<Instant> {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.line == line)
            .map(|s| s.at)
            .collect()
    }
}

pub fn serve(stream: TcpStream, handler: &Handler, seen: &Mutex<Vec<Seen>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut first = String::new();
    if reader.read_line(&mut first).is_err() {
        return;
    }
    let mut user_agent = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
            break;
        }
        if line.to_ascii_lowercase().starts_with("user-agent:") {
            user_agent = line.trim().to_string();
        }
    }
    let target = first.split_whitespace().nth(1).unwrap_or("").to_string();
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let params: BTreeMap<String, String> = query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), decode(v)))
        .collect();
    let (api, title) = match path {
        "/api/query" => {
            let q = params.get("search_query").cloned().unwrap_or_default();
            let title = q.trim_start_matches("ti:").trim_matches('"').to_string();
            (Api::Arxiv, title)
        }
        "/api/papers/search" => (Api::Hf, params.get("q").cloned().unwrap_or_default()),
        "/graph/v1/paper/search/match" => {
            (Api::S2, params.get("query").cloned().unwrap_or_default())
        }
        _ => {
            let _ = respond(&stream, &Reply::status(404, "no such path"));
            return;
        }
    };
    let nth = {
        let mut seen = seen.lock().unwrap();
        let line = format!("{api:?} {}", key(&title));
        let nth = seen.iter().filter(|s| s.line == line).count();
        seen.push(Seen {
            line,
            at: Instant::now(),
            user_agent,
        });
        nth
    };
    let reply = handler(api, &title, nth);
    if let Some(slow) = reply.slow {
        std::thread::sleep(slow);
    }
    let _ = respond(&stream, &reply);
}

pub fn respond(mut stream: &TcpStream, reply: &Reply) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} X\r\nContent-Length: {}\r\nConnection: close\r\n",
        reply.status,
        reply.body.len()
    );
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(reply.body.as_bytes())?;
    stream.flush()
}

pub fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// Lowercase letters and digits of a title: how the fake server recognises a paper.
pub fn key(title: &str) -> String {
    title
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// One arXiv API entry.
pub struct ArxivEntry<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub published: &'a str,
    pub authors: &'a [&'a str],
}

/// An arXiv API answer (Atom) holding `entries`.
pub fn atom(entries: &[ArxivEntry<'_>]) -> String {
    let mut feed = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:arxiv=\"http://arxiv.org/schemas/atom\" \
         xmlns:opensearch=\"http://a9.com/-/spec/opensearch/1.1/\">\n\
         <title type=\"html\">ArXiv Query: search_query=ti</title>\n\
         <id>http://arxiv.org/api/q1</id>\n<updated>2025-02-07T00:00:00-05:00</updated>\n",
    );
    feed.push_str(&format!(
        "<opensearch:totalResults>{}</opensearch:totalResults>\n",
        entries.len()
    ));
    for e in entries {
        feed.push_str(&format!(
            "<entry>\n<id>http://arxiv.org/abs/{id}v1</id>\n<updated>{p}T18:59:59Z</updated>\n\
             <published>{p}T18:59:59Z</published>\n<title>{title}</title>\n\
             <summary>  An abstract from arXiv.\n</summary>\n{authors}\
             <link href=\"http://arxiv.org/abs/{id}v1\" rel=\"alternate\" type=\"text/html\"/>\n\
             <link title=\"pdf\" href=\"http://arxiv.org/pdf/{id}v1\" rel=\"related\" type=\"application/pdf\"/>\n\
             <arxiv:primary_category term=\"cs.LG\" scheme=\"http://arxiv.org/schemas/atom\"/>\n\
             <category term=\"cs.LG\" scheme=\"http://arxiv.org/schemas/atom\"/>\n</entry>\n",
            id = e.id,
            p = e.published,
            title = e.title.replace('&', "&amp;").replace('<', "&lt;"),
            authors = e
                .authors
                .iter()
                .map(|a| format!("<author>\n<name>{a}</name>\n</author>\n"))
                .collect::<String>(),
        ));
    }
    feed.push_str("</feed>\n");
    feed
}

/// An empty arXiv answer.
pub fn no_entries() -> String {
    atom(&[])
}

/// A Hugging Face paper search answer: items with the paper in `paper`, as the search gives.
pub fn hf_items(papers: &[serde_json::Value]) -> String {
    let items: Vec<serde_json::Value> = papers
        .iter()
        .map(|p| {
            serde_json::json!({
                "paper": p,
                "publishedAt": p["publishedAt"],
                "title": p["title"],
                "numComments": 2,
                "isAuthorParticipating": false
            })
        })
        .collect();
    serde_json::Value::Array(items).to_string()
}

pub const S2_NONE: &str = r#"{"error":"Title match not found"}"#;

/// A site with `records` (file name, text) in `content/`.
pub fn site(records: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    std::fs::create_dir_all(root.join("content")).unwrap();
    for (name, text) in records {
        std::fs::write(root.join("content").join(name), text).unwrap();
    }
    (tmp, root)
}

pub fn digest(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_digest"))
        .args(args)
        .env("HOME", home)
        .env_remove("XDG_CACHE_HOME")
        .output()
        .unwrap()
}

/// Runs `digest enrich` on `root` against `server`, with no pause between requests.
pub fn enrich(root: &Path, server: &FakeServer, extra: &[&str]) -> Output {
    let mut args = vec![
        "enrich",
        "--root",
        root.to_str().unwrap(),
        "--endpoint",
        &server.base,
        "--delay",
        "0",
    ];
    args.extend_from_slice(extra);
    digest(root.parent().unwrap(), &args)
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn read(root: &Path, name: &str) -> String {
    std::fs::read_to_string(root.join("content").join(name)).unwrap()
}

pub fn record(title: &str, date: &str, more: &str) -> String {
    format!("+++\ntitle = {title:?}\ndate = {date}\n{more}+++\nThe abstract.\n")
}
