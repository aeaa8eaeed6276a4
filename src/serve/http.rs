//! The preview server: files of the live output folder over HTTP, a live-reload script injected
//! into HTML pages, and the live-reload websocket on the same port.
//!
//! Serves nothing outside the output folder: request paths are decoded once, `.`/`..` segments,
//! backslashes and NULs are refused, and the resolved file must lie inside the folder after
//! symlinks are followed. Dotfiles (`/.digest-output`, `/.git/…`) are not served either, except
//! under `/.well-known/`. Answers only requests naming one of its own hosts ([`hosts`]).
//!
//! [`hosts`]: super::hosts

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::sync::broadcast;

use super::hosts::{AllowedHosts, refusal_message};
use super::stale::Behind;

/// How long a request waits for a stale page to be written before it gets the file as it is
/// (a catch-up step of a million-paper site takes about a second).
const WAIT_FOR_PAGE: std::time::Duration = std::time::Duration::from_secs(10);

/// The path of the live-reload websocket.
pub(crate) const LIVERELOAD_PATH: &str = "/__digest/livereload";

/// What the server shares with the rebuild loop.
pub(crate) struct ServerState {
    /// The live output folder.
    pub out: PathBuf,
    /// Messages for connected browsers (JSON text).
    pub signals: broadcast::Sender<String>,
    /// The problems of the last failed rebuild, shown in an overlay until a rebuild succeeds.
    pub error: Mutex<Option<String>>,
    /// The page each connected browser shows (output path), by connection.
    open: Mutex<HashMap<u64, String>>,
    connections: AtomicU64,
    /// The `Host` names answered besides localhost and IP addresses.
    hosts: AllowedHosts,
    /// Pages the catch-up after an edit has not written yet: a request for one waits for it.
    pub behind: Behind,
}

impl ServerState {
    /// The state of a server of `out` that answers requests for `hosts`.
    pub(crate) fn new(
        out: PathBuf,
        signals: broadcast::Sender<String>,
        hosts: AllowedHosts,
    ) -> ServerState {
        ServerState {
            out,
            signals,
            hosts,
            error: Mutex::new(None),
            open: Mutex::new(HashMap::new()),
            connections: AtomicU64::new(0),
            behind: Behind::default(),
        }
    }

    /// Output paths (`papers/x/index.html`) of the pages open in connected browsers.
    pub(crate) fn open_pages(&self) -> HashSet<String> {
        self.open
            .lock()
            .map(|open| open.values().cloned().collect())
            .unwrap_or_default()
    }

    fn set_open(&self, connection: u64, page: Option<String>) {
        if let Ok(mut open) = self.open.lock() {
            match page {
                Some(page) => open.insert(connection, page),
                None => open.remove(&connection),
            };
        }
    }
}

/// The output file a browser's `location.pathname` shows, as a page path of the plan.
pub(crate) fn page_of(pathname: &str) -> Option<String> {
    let relative = decode_path(pathname)?;
    let mut page = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    if pathname.ends_with('/') || page.is_empty() {
        if !page.is_empty() {
            page.push('/');
        }
        page.push_str("index.html");
    }
    Some(page)
}

/// The router of the preview server.
pub(crate) fn router(state: Arc<ServerState>) -> Router {
    Router::new()
        .route(LIVERELOAD_PATH, get(livereload))
        .fallback(serve_file)
        .layer(middleware::from_fn_with_state(state.clone(), check_host))
        .with_state(state)
}

/// Refuses (403) every request, pages and websocket alike, whose `Host` (or absolute-form
/// target) is not one of the server's own names: a DNS-rebinding page sends its own name.
async fn check_host(
    State(state): State<Arc<ServerState>>,
    request: Request,
    next: Next,
) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .map(|h| h.to_str().unwrap_or("(not readable)"));
    let target_ok = request.uri().authority().is_none_or(|a| {
        state.hosts.allows(
            &a.port()
                .map_or_else(|| a.host().to_string(), |p| format!("{}:{p}", a.host())),
        )
    });
    if target_ok && host.is_some_and(|h| state.hosts.allows(h)) {
        return next.run(request).await;
    }
    let shown = host.or(request.uri().authority().map(|a| a.as_str()));
    let mut response = (StatusCode::FORBIDDEN, refusal_message(shown)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// The script injected into every HTML page: connects to the websocket on the page's own host
/// and port, reloads when told, shows build errors in an overlay (as text, never as HTML).
const LIVERELOAD_SCRIPT: &str = r#"<script>(() => {
  const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/__digest/livereload";
  let overlay = null, retry = 250;
  const show = (text) => {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "digest-error-overlay";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;background:rgba(24,24,27,.95);color:#fafafa;font:14px/1.5 ui-monospace,monospace;padding:2rem;overflow:auto;white-space:pre-wrap";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "digest could not build your last change; this page is the last good build.\n\n" + text;
  };
  const hide = () => { if (overlay) { overlay.remove(); overlay = null; } };
  const connect = () => {
    const ws = new WebSocket(url);
    ws.onopen = () => { retry = 250; ws.send("open " + location.pathname); };
    ws.onmessage = (event) => {
      let m; try { m = JSON.parse(event.data); } catch (_) { return; }
      if (m.type === "reload") location.reload();
      else if (m.type === "error") show(m.message);
      else if (m.type === "ok") hide();
    };
    ws.onclose = () => { setTimeout(connect, retry); retry = Math.min(retry * 2, 4000); };
  };
  connect();
})();</script>
"#;

async fn livereload(State(state): State<Arc<ServerState>>, request: Request) -> Response {
    let (mut parts, _) = request.into_parts();
    if !same_origin(&parts.headers) {
        return (
            StatusCode::FORBIDDEN,
            "cross-origin live-reload connections are refused",
        )
            .into_response();
    }
    let upgrade = match WebSocketUpgrade::from_request_parts(&mut parts, &state).await {
        Ok(upgrade) => upgrade,
        Err(rejection) => return rejection.into_response(),
    };
    let signals = state.signals.subscribe();
    let current_error = state.error.lock().ok().and_then(|e| e.clone());
    upgrade
        .max_message_size(4096)
        .max_frame_size(4096)
        .on_upgrade(move |socket| async move {
            let connection = state.connections.fetch_add(1, Ordering::Relaxed);
            talk(socket, signals, current_error, &state, connection).await;
            state.set_open(connection, None);
        })
}

/// A browser may connect only from a page of this server: its `Origin` (when sent) must name
/// the host and port the request was sent to.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let (Ok(origin), Some(Ok(host))) = (
        origin.to_str(),
        headers.get(header::HOST).map(|h| h.to_str()),
    ) else {
        return false;
    };
    let origin_host = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"));
    origin_host == Some(host)
}

async fn talk(
    mut socket: WebSocket,
    mut signals: broadcast::Receiver<String>,
    current_error: Option<String>,
    state: &ServerState,
    connection: u64,
) {
    if let Some(message) = current_error
        && socket
            .send(Message::Text(error_signal(&message).into()))
            .await
            .is_err()
    {
        return;
    }
    loop {
        tokio::select! {
            signal = signals.recv() => match signal {
                Ok(text) => if socket.send(Message::Text(text.into())).await.is_err() { return },
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return,
            },
            incoming = socket.recv() => match incoming {
                // A browser says which page it shows ("open /papers/x/"), so a large rebuild
                // can write that page first; anything else is ignored. A close or an error
                // ends the connection.
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return,
                Some(Ok(Message::Text(text))) => {
                    if let Some(page) = text.strip_prefix("open ").and_then(page_of) {
                        state.set_open(connection, Some(page));
                    }
                }
                Some(Ok(_)) => continue,
            },
        }
    }
}

/// The websocket message that makes browsers reload.
pub(crate) fn reload_signal(generation: u64) -> String {
    format!("{{\"type\":\"reload\",\"generation\":{generation}}}")
}

/// The websocket message that shows problems in the overlay.
pub(crate) fn error_signal(message: &str) -> String {
    serde_json::json!({ "type": "error", "message": message }).to_string()
}

/// The websocket message that hides the overlay.
pub(crate) fn ok_signal() -> String {
    "{\"type\":\"ok\"}".to_string()
}

async fn serve_file(State(state): State<Arc<ServerState>>, request: Request) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return (StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD").into_response();
    }
    let raw_path = request.uri().path().to_string();
    let head = request.method() == Method::HEAD;
    // A page the catch-up after an edit has not written yet is written first, then served.
    if let Some(page) = page_of(&raw_path)
        && let Some(written) = state.behind.wait_for(&page)
    {
        let _ = tokio::time::timeout(WAIT_FOR_PAGE, written).await;
    }
    let out = state.out.clone();
    let found = tokio::task::spawn_blocking(move || resolve(&out, &raw_path))
        .await
        .unwrap_or(Resolved::NotFound);
    match found {
        Resolved::File(path) => file_response(&path, StatusCode::OK, head).await,
        Resolved::Redirect(location) => {
            let mut response = StatusCode::MOVED_PERMANENTLY.into_response();
            if let Ok(value) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            response
        }
        Resolved::NotFound => match std::fs::canonicalize(state.out.join(crate::routes::NOT_FOUND))
        {
            Ok(page) => file_response(&page, StatusCode::NOT_FOUND, head).await,
            Err(_) => (StatusCode::NOT_FOUND, "not found").into_response(),
        },
    }
}

/// Where a request path leads.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Resolved {
    /// A file inside the output folder.
    File(PathBuf),
    /// A folder asked for without its trailing slash: go to the slash form.
    Redirect(String),
    /// Nothing to serve.
    NotFound,
}

/// Maps a raw (percent-encoded) request path to a file inside `out`, refusing anything that
/// could leave it. Pure apart from looking at the disk.
pub(crate) fn resolve(out: &Path, raw_path: &str) -> Resolved {
    let Some(relative) = decode_path(raw_path) else {
        return Resolved::NotFound;
    };
    if is_hidden(&relative) {
        return Resolved::NotFound;
    }
    let Ok(root) = std::fs::canonicalize(out) else {
        return Resolved::NotFound;
    };
    let candidate = root.join(&relative);
    let Ok(real) = std::fs::canonicalize(&candidate) else {
        return Resolved::NotFound;
    };
    // Symlinks are followed, so check where the file really is.
    if !real.starts_with(&root) {
        return Resolved::NotFound;
    }
    if real.is_dir() {
        if !raw_path.ends_with('/') {
            // Never redirect to `//host/…`, which a browser reads as another site.
            if raw_path.starts_with("//") {
                return Resolved::NotFound;
            }
            return Resolved::Redirect(format!("{raw_path}/"));
        }
        let index = real.join("index.html");
        return match std::fs::canonicalize(&index) {
            Ok(index) if index.starts_with(&root) && index.is_file() => Resolved::File(index),
            _ => Resolved::NotFound,
        };
    }
    if real.is_file() {
        Resolved::File(real)
    } else {
        Resolved::NotFound
    }
}

/// Whether a path names a dotfile or something inside a dot folder (digest's `.digest-output`
/// marker, a `.git/` or `.env` copied from `static/`, an editor's swap file): never served.
/// `/.well-known/` is the exception: what a site puts there (`security.txt`, app links) is
/// public by definition (RFC 8615) and published with it, so the preview shows it too; dotfiles
/// inside it are still hidden.
fn is_hidden(relative: &Path) -> bool {
    relative.components().enumerate().any(|(i, c)| {
        let name = c.as_os_str().to_string_lossy();
        name.starts_with('.') && !(i == 0 && name == ".well-known")
    })
}

/// Decodes a request path once into a relative path of plain segments; `None` for anything
/// suspicious: `.`/`..` segments, backslashes, NUL, invalid UTF-8 or percent-encoding.
pub(crate) fn decode_path(raw: &str) -> Option<PathBuf> {
    let raw = raw.split(['?', '#']).next().unwrap_or("");
    let bytes = raw.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            decoded.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    let decoded = String::from_utf8(decoded).ok()?;
    if decoded.contains(['\\', '\0']) {
        return None;
    }
    let mut path = PathBuf::new();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        if segment == "." || segment == ".." || segment.contains(':') {
            return None;
        }
        path.push(segment);
    }
    // Only plain names may remain (no root, no prefix).
    if path.components().all(|c| matches!(c, Component::Normal(_))) {
        Some(path)
    } else {
        None
    }
}

/// Pieces a file other than a page is sent in.
const PIECE: usize = 256 * 1024;

async fn file_response(path: &Path, status: StatusCode, head: bool) -> Response {
    let content_type = content_type(path);
    let (body, length) = if content_type.starts_with("text/html") {
        // A page gets the live-reload script: read whole (pages are kilobytes).
        let Ok(bytes) = tokio::fs::read(path).await else {
            return (StatusCode::NOT_FOUND, "not found").into_response();
        };
        let body = inject_livereload(bytes);
        let length = body.len() as u64;
        (Body::from(body), length)
    } else {
        // Other files are sent as read, a piece at a time: a tag's BibTeX file of a large site
        // is tens of megabytes, and several readers must not each hold one in memory. The file
        // stays open, so a rebuild that replaces it meanwhile does not mix two versions.
        let Ok(file) = tokio::fs::File::open(path).await else {
            return (StatusCode::NOT_FOUND, "not found").into_response();
        };
        let Ok(metadata) = file.metadata().await else {
            return (StatusCode::NOT_FOUND, "not found").into_response();
        };
        (Body::from_stream(pieces(file)), metadata.len())
    };
    let mut response = Response::new(if head { Body::empty() } else { body });
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    // A preview must never show a stale page from the browser's cache.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// The bytes of `file` in pieces of at most [`PIECE`], ending at the first error.
fn pieces(
    file: tokio::fs::File,
) -> impl futures_util::Stream<Item = std::io::Result<axum::body::Bytes>> {
    use tokio::io::AsyncReadExt;
    futures_util::stream::unfold(Some(file), |file| async move {
        let mut file = file?;
        let mut piece = vec![0; PIECE];
        match file.read(&mut piece).await {
            Ok(0) => None,
            Ok(n) => {
                piece.truncate(n);
                Some((Ok(piece.into()), Some(file)))
            }
            Err(err) => Some((Err(err), None)),
        }
    })
}

/// Puts the live-reload script before the last `</body>` (or at the end).
pub(crate) fn inject_livereload(mut html: Vec<u8>) -> Vec<u8> {
    let position = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    html.splice(position..position, LIVERELOAD_SCRIPT.bytes());
    html
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" if path.file_name().is_some_and(|n| n == "atom.xml") => "application/atom+xml",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        "bib" => "application/x-bibtex",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_path_refuses_traversal() {
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/etc",
            "/a/%2E%2E%2Fb",
            "/a\\..\\b",
            "/%5c",
            "/x%00",
            "/%zz",
            "/a/./b",
            "/c:/x",
        ] {
            assert_eq!(decode_path(bad), None, "{bad}");
        }
        assert_eq!(decode_path("/papers/x/"), Some(PathBuf::from("papers/x")));
        assert_eq!(
            decode_path("/a%20b.html?x=1"),
            Some(PathBuf::from("a b.html"))
        );
        // Decoded once only: %252f stays the literal name "%2f".
        assert_eq!(decode_path("/a%252fb"), Some(PathBuf::from("a%2fb")));
        assert_eq!(decode_path("/"), Some(PathBuf::new()));
    }

    #[test]
    fn resolve_stays_inside_the_output() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        std::fs::create_dir_all(out.join("papers/x")).unwrap();
        std::fs::write(out.join("papers/x/index.html"), "x").unwrap();
        std::fs::write(tmp.path().join("secret.txt"), "s").unwrap();
        std::fs::create_dir_all(tmp.path().join("public-other")).unwrap();
        std::fs::write(tmp.path().join("public-other/index.html"), "o").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(tmp.path().join("secret.txt"), out.join("link.txt")).unwrap();
        let root = std::fs::canonicalize(&out).unwrap();
        assert_eq!(
            resolve(&out, "/papers/x/"),
            Resolved::File(root.join("papers/x/index.html"))
        );
        assert_eq!(
            resolve(&out, "/papers/x"),
            Resolved::Redirect("/papers/x/".into())
        );
        assert_eq!(resolve(&out, "/../secret.txt"), Resolved::NotFound);
        assert_eq!(resolve(&out, "/../public-other/"), Resolved::NotFound);
        assert_eq!(
            resolve(&out, "/link.txt"),
            Resolved::NotFound,
            "symlink pointing out"
        );
        assert_eq!(resolve(&out, "/missing"), Resolved::NotFound);
    }

    #[test]
    fn browsers_name_the_page_they_show() {
        assert_eq!(page_of("/").as_deref(), Some("index.html"));
        assert_eq!(
            page_of("/papers/x/").as_deref(),
            Some("papers/x/index.html")
        );
        assert_eq!(
            page_of("/tags/caf%C3%A9/page/2/").as_deref(),
            Some("tags/café/page/2/index.html")
        );
        assert_eq!(page_of("/atom.xml").as_deref(), Some("atom.xml"));
        assert_eq!(page_of("/../etc/passwd"), None);
    }

    /// A server of `out` on a free port of 127.0.0.1, in a runtime of its own.
    fn test_server(
        out: &Path,
    ) -> (
        Arc<ServerState>,
        tokio::runtime::Runtime,
        std::net::SocketAddr,
    ) {
        let (signals, _) = broadcast::channel(4);
        let state = Arc::new(ServerState::new(
            out.to_path_buf(),
            signals,
            AllowedHosts::new(&[]),
        ));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let address = listener.local_addr().unwrap();
        runtime.spawn(axum::serve(listener, router(state.clone())).into_future());
        (state, runtime, address)
    }

    /// The whole response to `GET path`, headers included.
    fn get(address: std::net::SocketAddr, path: &str) -> Vec<u8> {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        response
    }

    /// A file of several pieces arrives whole, with its length, whatever its bytes.
    #[test]
    fn a_large_file_is_served_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let bytes: Vec<u8> = (0..(2 * PIECE + 12_345))
            .map(|i| (i * 7 % 251) as u8)
            .collect();
        std::fs::write(tmp.path().join("papers.bib"), &bytes).unwrap();
        let (_state, runtime, address) = test_server(tmp.path());
        let response = get(address, "/papers.bib");
        let end = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let head = String::from_utf8_lossy(&response[..end]).to_lowercase();
        assert!(head.starts_with("http/1.1 200"), "{head}");
        assert!(
            head.contains(&format!("content-length: {}", bytes.len())),
            "{head}"
        );
        assert!(
            head.contains("content-type: application/x-bibtex"),
            "{head}"
        );
        assert!(
            response[end + 4..] == bytes[..],
            "the body is the file's bytes"
        );
        runtime.shutdown_background();
    }

    /// A request for a page reported stale waits until the rebuild thread has written it, and
    /// then gets the new file; other files are answered at once.
    #[test]
    fn a_stale_page_is_served_once_written() {
        use super::super::stale::Stale;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().to_path_buf();
        std::fs::create_dir_all(out.join("tags/x/page/2")).unwrap();
        std::fs::write(out.join("tags/x/page/2/index.html"), "old list").unwrap();
        std::fs::write(out.join("style.css"), "css").unwrap();
        let (state, runtime, address) = test_server(&out);
        let get = move |path: &str| String::from_utf8(get(address, path)).unwrap();
        state.behind.publish(Stale {
            pages: [crate::hash::hash_of("tags/x/page/2/index.html")].into(),
            ..Stale::none()
        });
        assert!(
            get("/style.css").ends_with("css"),
            "not stale: served at once"
        );
        let asked = std::thread::spawn(move || get("/tags/x/page/2/"));
        // The request waits: the rebuild thread sees it, writes the page, answers.
        let waiting = loop {
            let waiting = state.behind.take_waiting();
            if !waiting.is_empty() {
                break waiting;
            }
            assert!(
                !asked.is_finished(),
                "the stale page was served without waiting"
            );
            std::thread::sleep(std::time::Duration::from_millis(5));
        };
        assert_eq!(waiting.len(), 1);
        assert_eq!(waiting[0].page, "tags/x/page/2/index.html");
        std::fs::write(out.join("tags/x/page/2/index.html"), "new list").unwrap();
        drop(waiting);
        let response = asked.join().unwrap();
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        assert!(response.contains("new list"), "{response}");
        runtime.shutdown_background();
    }

    #[test]
    fn script_goes_before_the_last_body_end() {
        let html = inject_livereload(b"<html><body>x</BODY></html>".to_vec());
        let text = String::from_utf8(html).unwrap();
        assert!(text.contains("x<script>"), "{text}");
        assert!(text.ends_with("</BODY></html>"));
    }

    #[test]
    fn dotfiles_are_hidden_except_well_known() {
        for (path, hidden) in [
            (".digest-output", true),
            (".git/config", true),
            ("papers/.x.md.swp", true),
            ("static/.env", true),
            (".nojekyll", true),
            (".well-known/security.txt", false),
            (".well-known/.secret", true),
            ("a/.well-known/x", true),
            ("papers/x/index.html", false),
            ("a.b/c.d", false),
        ] {
            assert_eq!(is_hidden(Path::new(path)), hidden, "{path}");
        }
    }

    #[test]
    fn origin_must_match_host() {
        let mut headers = HeaderMap::new();
        assert!(same_origin(&headers), "no Origin: not a browser page");
        headers.insert(header::HOST, HeaderValue::from_static("127.0.0.1:1111"));
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://127.0.0.1:1111"),
        );
        assert!(same_origin(&headers));
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://evil.example"),
        );
        assert!(!same_origin(&headers));
    }
}
