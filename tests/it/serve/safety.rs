//! The preview server's safety promises, through the real binary with `TMPDIR` pointed at a
//! temporary folder: a half-sent request cannot hold a socket or Ctrl+C forever (issue 13 item
//! 11); every stop signal removes the temporary preview folder, and preview folders of servers
//! that are gone are removed at start, nothing else (item 12); only requests naming one of the
//! server's own hosts are answered, and dotfiles are not served (item 13).

use crate::common;
use crate::common::serve;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use common::{Lines, Site};
use serve::{HttpResponse, raw_request};
use tungstenite::WebSocket;
use tungstenite::client::IntoClientRequest;

/// A correctness bound for "stops promptly", far above the one second the server allows
/// requests in progress after a stop signal.
const EXIT_BOUND: Duration = Duration::from_secs(10);
/// A correctness bound for "closes a stalled connection": the server's deadline is 10 s.
const CLOSE_BOUND: Duration = Duration::from_secs(60);

/// A `digest serve --port 0` with its own `TMPDIR`; killed when dropped.
struct Preview {
    child: Child,
    port: u16,
    stdout: Lines,
    stderr: Lines,
}

impl Preview {
    fn start(site: &Site, temp: &Path, args: &[&str]) -> Preview {
        std::fs::create_dir_all(temp).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_digest"))
            .args(["serve", "--root"])
            .arg(&site.root)
            .args(["--port", "0"])
            .args(args)
            .current_dir(site.tmp.path())
            .env("TMPDIR", temp)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start digest serve");
        let stdout = Lines::collect(child.stdout.take().unwrap());
        let stderr = Lines::collect(child.stderr.take().unwrap());
        let mut preview = Preview {
            child,
            port: 0,
            stdout,
            stderr,
        };
        let line = preview
            .stdout
            .wait_for(0, Duration::from_secs(60), |l| {
                l.starts_with("serving http://")
            })
            .unwrap_or_else(|| panic!("digest serve did not start\n{}", preview.logs()));
        preview.port = line
            .trim_start_matches("serving http://127.0.0.1:")
            .split('/')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {line:?}"));
        preview
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn signal(&self, signal: libc::c_int) {
        // SAFETY: sends a signal to our own child process.
        let sent = unsafe { libc::kill(self.pid() as libc::pid_t, signal) };
        assert_eq!(sent, 0, "kill({}, {signal})", self.pid());
    }

    /// Waits for the process to end; panics if it is still running after [`EXIT_BOUND`].
    fn wait_exit(&mut self, what: &str) -> ExitStatus {
        let deadline = Instant::now() + EXIT_BOUND;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "digest serve still runs {EXIT_BOUND:?} after {what}\n{}",
                self.logs()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// A GET of `path` naming `host` in the Host header.
    fn get_as(&self, host: &str, path: &str) -> HttpResponse {
        raw_request(
            self.port,
            &format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        )
    }

    fn local(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// A live-reload websocket handshake sending `host` (and `origin`); the status on refusal.
    fn websocket(&self, host: &str, origin: Option<&str>) -> Result<(), u16> {
        self.open_websocket(host, origin).map(drop)
    }

    /// [`Preview::websocket`], keeping the connection.
    fn open_websocket(
        &self,
        host: &str,
        origin: Option<&str>,
    ) -> Result<WebSocket<TcpStream>, u16> {
        let mut request = format!("ws://{}/__digest/livereload", self.local())
            .into_client_request()
            .unwrap();
        request.headers_mut().insert("Host", host.parse().unwrap());
        if let Some(origin) = origin {
            request
                .headers_mut()
                .insert("Origin", origin.parse().unwrap());
        }
        let stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        match tungstenite::client::client(request, stream) {
            Ok((socket, response)) => {
                assert_eq!(response.status().as_u16(), 101);
                Ok(socket)
            }
            Err(tungstenite::HandshakeError::Failure(tungstenite::Error::Http(response))) => {
                Err(response.status().as_u16())
            }
            Err(err) => panic!("websocket handshake failed: {err}"),
        }
    }

    fn logs(&self) -> String {
        format!(
            "--- serve stdout:\n{}\n--- serve stderr:\n{}",
            self.stdout.text(),
            self.stderr.text()
        )
    }
}

impl Drop for Preview {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `digest-serve-*` entries of `temp`.
fn preview_folders(temp: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(temp)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("digest-serve-"))
        .collect();
    names.sort();
    names
}

/// A new connection that sends half a request line and nothing more. Returns once the server
/// has surely accepted it: connections are accepted in order, and a later one has been
/// answered.
fn half_sent_request(preview: &Preview) -> TcpStream {
    let mut stream = TcpStream::connect(("127.0.0.1", preview.port)).unwrap();
    stream.write_all(b"GET /papers/ HT").unwrap();
    assert_eq!(preview.get_as(&preview.local(), "/").status, 200);
    stream
}

/// A connection that has had one complete request answered and then sends half of the next
/// request line and nothing more.
fn half_sent_second_request(preview: &Preview) -> TcpStream {
    let mut stream = TcpStream::connect(("127.0.0.1", preview.port)).unwrap();
    stream
        .write_all(format!("HEAD / HTTP/1.1\r\nHost: {}\r\n\r\n", preview.local()).as_bytes())
        .unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        assert_eq!(
            stream.read(&mut byte).unwrap(),
            1,
            "connection closed early"
        );
        head.push(byte[0]);
    }
    assert!(head.starts_with(b"HTTP/1.1 200"), "{head:?}");
    stream.write_all(b"GET /papers/ HT").unwrap();
    stream
}

/// Reads until the server closes the connection; panics if it is still open after `bound`.
/// Returns what was read.
fn read_until_closed(mut stream: TcpStream, bound: Duration, what: &str) -> Vec<u8> {
    stream.set_read_timeout(Some(bound)).unwrap();
    let mut bytes = Vec::new();
    match stream.read_to_end(&mut bytes) {
        Ok(_) => {}
        Err(err) if err.kind() == std::io::ErrorKind::ConnectionReset => {}
        Err(err) => panic!("{what}: still open after {bound:?} ({err})"),
    }
    bytes
}

#[test]
fn stalled_and_idle_connections_are_closed() {
    let site = Site::fixture("small");
    let temp = site.tmp.path().join("tmp");
    let preview = Preview::start(&site, &temp, &[]);

    let stalled = half_sent_request(&preview);
    let stalled_second = half_sent_second_request(&preview);
    let silent = TcpStream::connect(("127.0.0.1", preview.port)).unwrap();
    let mut idle = TcpStream::connect(("127.0.0.1", preview.port)).unwrap();
    idle.write_all(format!("HEAD / HTTP/1.1\r\nHost: {}\r\n\r\n", preview.local()).as_bytes())
        .unwrap();

    let readers = [
        ("half a request line", stalled),
        ("half a second request line", stalled_second),
        ("a connection that sends nothing", silent),
        ("an idle keep-alive connection", idle),
    ]
    .map(|(what, stream)| {
        std::thread::spawn(move || (what, read_until_closed(stream, CLOSE_BOUND, what)))
    });
    for reader in readers {
        let (what, bytes) = reader.join().unwrap();
        // The idle connection got the answer to its request; the others no page.
        let pages = String::from_utf8_lossy(&bytes)
            .matches("HTTP/1.1 200")
            .count();
        let expected = usize::from(what.starts_with("an idle"));
        assert_eq!(
            pages,
            expected,
            "{what}: {:?}",
            String::from_utf8_lossy(&bytes)
        );
    }
    // The server itself is fine.
    assert_eq!(preview.get_as(&preview.local(), "/").status, 200);
}

#[test]
fn ctrl_c_stops_serve_while_a_client_holds_a_half_sent_request() {
    let site = Site::fixture("small");
    let temp = site.tmp.path().join("tmp");
    let mut preview = Preview::start(&site, &temp, &["--watch"]);
    let _stalled = half_sent_request(&preview);
    let _stalled_second = half_sent_second_request(&preview);
    let _live_reload = preview
        .open_websocket(&preview.local(), None)
        .expect("a live-reload connection");
    let _idle = TcpStream::connect(("127.0.0.1", preview.port)).unwrap();

    preview.signal(libc::SIGINT);
    let status = preview.wait_exit("SIGINT with a half-sent request open");
    assert!(status.success(), "{status}\n{}", preview.logs());
    assert_eq!(preview_folders(&temp), Vec::<String>::new());
}

#[test]
fn every_stop_signal_removes_the_temporary_preview_folder() {
    for (name, signal) in [
        ("SIGTERM", libc::SIGTERM),
        ("SIGHUP", libc::SIGHUP),
        ("SIGINT", libc::SIGINT),
    ] {
        let site = Site::fixture("small");
        let temp = site.tmp.path().join("tmp");
        let mut preview = Preview::start(&site, &temp, &["--watch"]);
        let own = format!("digest-serve-{}", preview.pid());
        assert_eq!(preview_folders(&temp), vec![own.clone()], "{name}");
        assert!(
            temp.join(&own).join("site/index.html").is_file(),
            "{name}: the preview is not in {own}"
        );
        assert_eq!(preview.get_as(&preview.local(), "/").status, 200);

        preview.signal(signal);
        let status = preview.wait_exit(name);
        assert!(status.success(), "{name}: {status}\n{}", preview.logs());
        assert_eq!(
            preview_folders(&temp),
            Vec::<String>::new(),
            "{name} left the preview folder\n{}",
            preview.logs()
        );
    }
}

#[test]
fn a_stop_during_the_first_build_removes_the_preview_folder() {
    // Large enough that the first build takes a while (seconds in a debug build).
    let site = Site::fixture("small");
    for i in 0..3000 {
        site.write(
            &format!("content/generated/p{i}.md"),
            &format!(
                "+++\ntitle = \"Generated paper {i}\"\ndate = 2025-0{}-1{}\ntags = [\"t{}\"]\n+++\nAbstract {i}.\n",
                1 + i % 9,
                i % 10,
                i % 40
            ),
        );
    }
    let temp = site.tmp.path().join("tmp");
    std::fs::create_dir_all(&temp).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_digest"))
        .args(["serve", "--port", "0", "--root"])
        .arg(&site.root)
        .env("TMPDIR", &temp)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = Lines::collect(child.stdout.take().unwrap());
    let marker = temp.join(format!("digest-serve-{}/.digest-serve", child.id()));
    let deadline = Instant::now() + Duration::from_secs(60);
    while !marker.exists() {
        assert!(Instant::now() < deadline, "no preview folder was made");
        std::thread::sleep(Duration::from_millis(5));
    }
    // SAFETY: a signal to our own child.
    assert_eq!(
        unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) },
        0
    );
    let deadline = Instant::now() + EXIT_BOUND;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("digest serve still runs {EXIT_BOUND:?} after SIGTERM during the first build");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status}");
    // Nothing but, when the build was still rendering, the empty file that kept it from
    // writing (removed by the next start).
    let when = if stdout.find(|l| l.starts_with("built ")).is_some() {
        "after"
    } else {
        "before"
    };
    for name in preview_folders(&temp) {
        let meta = std::fs::symlink_metadata(temp.join(&name)).unwrap();
        assert!(
            meta.is_file() && meta.len() == 0,
            "stopped {when} the first build had finished, {name} is left"
        );
    }
}

/// The pid of a process that has ended.
fn dead_pid() -> u32 {
    let mut child = Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    // SAFETY: signal 0 only asks whether the process exists.
    assert_ne!(
        unsafe { libc::kill(pid as libc::pid_t, 0) },
        0,
        "{pid} still runs"
    );
    pid
}

#[test]
fn stale_preview_folders_of_dead_servers_are_removed_at_start_and_nothing_else() {
    let site = Site::fixture("small");
    let temp = site.tmp.path().join("tmp");
    let outside = site.tmp.path().join("outside");
    common::write(&outside.join("keep.txt"), "keep");
    common::write(&outside.join(".digest-serve"), "");

    // A killed server's folder (the marker of a finished build), with a symlink out of it.
    let killed = format!("digest-serve-{}", dead_pid());
    common::write(&temp.join(&killed).join("site/.digest-output"), "");
    common::write(&temp.join(&killed).join("site/papers/x/index.html"), "x");
    std::os::unix::fs::symlink(&outside, temp.join(&killed).join("site/link")).unwrap();
    std::os::unix::fs::symlink(&outside, temp.join(&killed).join("link")).unwrap();
    // One killed during its first build (only the folder's own marker and a staging folder).
    let killed_early = format!("digest-serve-{}", dead_pid());
    common::write(&temp.join(&killed_early).join(".digest-serve"), "");
    common::write(
        &temp
            .join(&killed_early)
            .join(".site.digest-staging/.digest-output"),
        "",
    );
    // An empty one.
    let empty = format!("digest-serve-{}", dead_pid());
    std::fs::create_dir_all(temp.join(&empty)).unwrap();
    // One killed while it removed its folder: the renamed folder, and the empty file that
    // stood in its place.
    let pid = dead_pid();
    let killed_removing = format!("digest-serve-{pid}.removing");
    common::write(&temp.join(&killed_removing).join(".digest-serve"), "");
    common::write(&temp.join(&killed_removing).join("site/index.html"), "x");
    common::write(&temp.join(format!("digest-serve-{pid}")), "");

    // Kept: a running process's folder, an unmarked folder, other names, a symlink to a marked
    // folder.
    let kept = [
        format!("digest-serve-{}", std::process::id()),
        format!("digest-serve-{}", dead_pid()),
        "digest-serve-old".to_string(),
        format!("digest-serve-{}x", dead_pid()),
        format!("digest-serve-0{}", dead_pid()),
        format!("digest-serve-{}", dead_pid()),
    ];
    common::write(&temp.join(&kept[0]).join("site/.digest-output"), "");
    common::write(&temp.join(&kept[0]).join(".digest-serve"), "");
    common::write(&temp.join(&kept[1]).join("site/index.html"), "mine");
    for name in &kept[2..5] {
        common::write(&temp.join(name).join(".digest-serve"), "");
        common::write(&temp.join(name).join("site/.digest-output"), "");
    }
    // A file that is not empty is not a stand-in.
    common::write(&temp.join(&kept[5]), "not ours");
    let link = format!("digest-serve-{}", dead_pid());
    std::os::unix::fs::symlink(&outside, temp.join(&link)).unwrap();

    let mut preview = Preview::start(&site, &temp, &[]);
    let line = preview
        .stdout
        .wait_for(0, Duration::from_secs(60), |l| l.starts_with("removed "))
        .unwrap_or_else(|| panic!("no line about removed folders\n{}", preview.logs()));
    let mut removed = [killed, killed_early, empty, killed_removing];
    removed.sort();
    assert!(
        line.starts_with("removed 4 preview folders") && line.ends_with(&removed.join(", ")),
        "{line}"
    );
    let own = format!("digest-serve-{}", preview.pid());
    let mut expected: Vec<String> = kept.iter().cloned().chain([link.clone(), own]).collect();
    expected.sort();
    assert_eq!(preview_folders(&temp), expected);
    assert_eq!(
        std::fs::read_to_string(outside.join("keep.txt")).unwrap(),
        "keep"
    );
    assert!(outside.join(".digest-serve").is_file());
    assert_eq!(
        std::fs::read_to_string(temp.join(&kept[1]).join("site/index.html")).unwrap(),
        "mine"
    );

    preview.signal(libc::SIGTERM);
    assert!(preview.wait_exit("SIGTERM").success());
    let mut expected: Vec<String> = kept.iter().cloned().chain([link]).collect();
    expected.sort();
    assert_eq!(preview_folders(&temp), expected);
}

#[test]
fn only_requests_for_its_own_hosts_are_answered() {
    let site = Site::fixture("small");
    site.write("static/.git/config", "[core]\nSECRET-GIT-CONFIG\n");
    site.write("static/.well-known/security.txt", "Contact: mailto:a@b.c\n");
    let temp = site.tmp.path().join("tmp");
    let preview = Preview::start(&site, &temp, &[]);
    let port = preview.port;

    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
        "localhost".to_string(),
    ] {
        let response = preview.get_as(&host, "/");
        assert_eq!(response.status, 200, "Host: {host}");
        assert!(
            response.text().contains("Reading Group Digest"),
            "Host: {host}"
        );
    }
    for host in [
        "evil.com".to_string(),
        format!("evil.com:{port}"),
        format!("localhost.evil.com:{port}"),
        format!("127.0.0.1.evil.com:{port}"),
    ] {
        for path in ["/", "/papers/jukebox/", "/style.css", "/no-such-page/"] {
            let response = preview.get_as(&host, path);
            assert_eq!(response.status, 403, "Host: {host} GET {path}");
            let text = response.text();
            assert!(
                !text.contains("Reading Group Digest"),
                "Host: {host}: {text}"
            );
            let name = host.split(':').next().unwrap();
            assert!(
                text.contains(&format!("--allowed-host {name}")),
                "Host: {host}: {text}"
            );
        }
        // The websocket too, with a matching Origin (what a rebinding page sends) or none.
        assert_eq!(
            preview.websocket(&host, Some(&format!("http://{host}"))),
            Err(403),
            "websocket with Host {host}"
        );
        assert_eq!(preview.websocket(&host, None), Err(403), "{host}");
    }
    // A request with no Host at all, and one whose absolute-form target names another host.
    let response = raw_request(port, "GET / HTTP/1.0\r\n\r\n");
    assert_eq!(response.status, 403);
    let response = raw_request(
        port,
        &format!(
            "GET http://evil.com/ HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            preview.local()
        ),
    );
    assert_eq!(response.status, 403);
    // The websocket from its own pages works; another Origin is refused.
    let local = preview.local();
    assert_eq!(
        preview.websocket(&local, Some(&format!("http://{local}"))),
        Ok(())
    );
    assert_eq!(preview.websocket(&local, Some("http://evil.com")), Err(403));

    // Dotfiles are not served, whatever the Host.
    let output = temp.join(format!("digest-serve-{}/site", preview.pid()));
    assert!(output.join(".digest-output").is_file());
    assert!(
        output.join(".git/config").is_file(),
        "static/.git was copied"
    );
    for path in [
        "/.digest-output",
        "/.nojekyll",
        "/.git/config",
        "/.git/",
        "/.git",
        "/%2egit/config",
        "/.well-known/../.git/config",
    ] {
        let response = preview.get_as(&local, path);
        assert_eq!(response.status, 404, "GET {path}");
        assert!(!response.text().contains("SECRET-GIT-CONFIG"), "GET {path}");
        assert!(!response.text().contains("made by digest"), "GET {path}");
    }
    // `/.well-known/` is the one exception: public by definition, published with the site.
    let response = preview.get_as(&local, "/.well-known/security.txt");
    assert_eq!(response.status, 200);
    assert_eq!(response.text(), "Contact: mailto:a@b.c\n");
}

#[test]
fn allowed_host_admits_that_name_only() {
    let site = Site::fixture("small");
    let temp = site.tmp.path().join("tmp");
    let preview = Preview::start(
        &site,
        &temp,
        &[
            "--allowed-host",
            "evil.com",
            "--allowed-host",
            ".lan.example",
        ],
    );
    let port = preview.port;
    for host in [
        format!("evil.com:{port}"),
        "EVIL.com".to_string(),
        format!("lan.example:{port}"),
        format!("phone.lan.example:{port}"),
        format!("127.0.0.1:{port}"),
    ] {
        assert_eq!(preview.get_as(&host, "/").status, 200, "Host: {host}");
    }
    for host in [format!("other.com:{port}"), format!("x.evil.com:{port}")] {
        assert_eq!(preview.get_as(&host, "/").status, 403, "Host: {host}");
    }
    let host = format!("evil.com:{port}");
    assert_eq!(
        preview.websocket(&host, Some(&format!("http://{host}"))),
        Ok(())
    );
    assert_eq!(
        preview.websocket(&host, Some("http://other.com")),
        Err(403),
        "an Origin that is not the Host"
    );
}

#[test]
fn a_bad_allowed_host_is_refused_with_the_fix() {
    let site = Site::fixture("small");
    let run = common::digest(
        &[
            "serve",
            "--root",
            site.root.to_str().unwrap(),
            "--allowed-host",
            "http://evil.com:8080",
        ],
        site.tmp.path(),
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("without scheme, port or path"),
        "{}",
        run.stderr
    );
}
