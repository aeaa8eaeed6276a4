//! The preview server's safety promises, through the real binary with `TMPDIR` pointed at a
//! temporary folder: only requests naming one of the server's own hosts are answered, and
//! dotfiles are not served (issue 13 item 13).

mod common;
#[path = "common/serve.rs"]
mod serve;

use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{Lines, Site};
use serve::{HttpResponse, raw_request};
use tungstenite::WebSocket;
use tungstenite::client::IntoClientRequest;

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
