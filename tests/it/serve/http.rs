//! The preview server over raw HTTP/1.1 (request lines written by hand, so nothing normalizes
//! them): nothing outside the output folder is ever served, folders redirect to their slash
//! form, missing pages get the site's 404 page, HTML gets the live-reload script, and the
//! live-reload websocket refuses other origins and survives junk.

use crate::common;
use crate::common::serve;

use common::Site;
use serve::{HttpResponse, Server, Signal, set_key, strip_livereload, wait_for_reload};
use tungstenite::protocol::Message;

const SECRET: &str = "TOP-SECRET-CONTENT-7f3a";

fn assert_no_cors(response: &HttpResponse, what: &str) {
    assert!(
        response.header("access-control-allow-origin").is_none(),
        "{what}: the response allows cross-origin reads: {:?}",
        response.headers
    );
}

/// A traversal attempt must answer 404 (or 400 where `allow_400`) and never leak.
fn assert_refused(server: &Server, target: &str, allow_400: bool) {
    let response = server.get(target);
    let body = response.text();
    assert!(
        !body.contains(SECRET) && !body.contains("root:x:0:0"),
        "GET {target} leaked a file outside the output: {}\n{body}",
        response.status_line
    );
    let ok = response.status == 404 || (allow_400 && response.status == 400);
    assert!(
        ok,
        "GET {target} answered {} (expected 404{})",
        response.status_line,
        if allow_400 { " or 400" } else { "" }
    );
    assert_no_cors(&response, target);
}

#[test]
fn nothing_outside_the_output_folder_is_served() {
    let site = Site::fixture("small");
    let tmp = site.tmp.path();
    let out = tmp.join("served");
    // Secrets beside the output: in its parent, in a sibling sharing its name as a prefix, and
    // in a folder a symlink will point to.
    common::write(&tmp.join("secret.txt"), SECRET);
    common::write(&tmp.join("served-other/secret.txt"), SECRET);
    common::write(&tmp.join("served-other/index.html"), SECRET);
    common::write(&tmp.join("elsewhere/secret.txt"), SECRET);
    let mut server = Server::start_with_output(&site, &out);
    assert_eq!(server.get("/").status, 200);

    // Symlinks made after startup, inside the output, pointing outside.
    std::os::unix::fs::symlink(tmp.join("secret.txt"), out.join("link.txt")).unwrap();
    std::os::unix::fs::symlink(tmp.join("elsewhere"), out.join("linkdir")).unwrap();

    for target in [
        "/../../etc/passwd",
        "/../secret.txt",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/%2e%2e%2fsecret.txt",
        "/papers/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/%252e%252e/secret.txt",
        "/%252e%252e%252fsecret.txt",
        "/./../secret.txt",
        "/papers/../../secret.txt",
        "//../secret.txt",
        "/../served-other/secret.txt",
        "/../served-other/",
        "/%2e%2e/served-other/secret.txt",
        "/link.txt",
        "/linkdir/secret.txt",
        "/linkdir/",
        "/secret.txt%00.html",
        "/..%00/secret.txt",
    ] {
        assert_refused(&server, target, false);
    }
    // Backslashes: hyper may refuse a raw `\` in the request line itself with 400 before the
    // server sees it; the server's own answer (for the percent-encoded form too) is 404.
    for target in [
        "/..\\..\\secret.txt",
        "/papers/..\\..\\secret.txt",
        "/papers/..%5c..%5csecret.txt",
        "/papers/..%5C..%5Csecret.txt",
    ] {
        assert_refused(&server, target, true);
    }
    // An absolute-form request target naming a file outside.
    let response = serve::raw_request(
        server.port,
        &format!(
            "GET file:///etc/passwd HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            server.host()
        ),
    );
    assert!(
        !response.text().contains("root:x:0:0"),
        "absolute-form target leaked /etc/passwd"
    );

    server.assert_alive();
    let home = server.get("/");
    assert_eq!(home.status, 200, "GET / after the attacks");
    assert!(home.text().contains("Reading Group Digest"));
}

#[test]
fn redirects_404_headers_and_the_injected_script() {
    let site = Site::fixture("small");
    let server = Server::start(&site);

    // A folder without its slash: 301 to the slash form (root-relative, same host).
    let response = server.get("/papers/jukebox");
    assert_eq!(response.status, 301, "{}", response.status_line);
    assert_eq!(response.header("location"), Some("/papers/jukebox/"));
    assert_no_cors(&response, "redirect");
    let response = server.get("/2025/02?x=1");
    assert_eq!(response.status, 301, "{}", response.status_line);
    assert!(
        response
            .header("location")
            .is_some_and(|l| l.starts_with("/2025/02/")),
        "{:?}",
        response.header("location")
    );
    // Never a redirect to another host (`//evil.example/` is protocol-relative).
    let response = server.get("//papers");
    if response.status == 301 {
        let location = response.header("location").unwrap_or_default();
        assert!(
            !location.starts_with("//") && !location.contains("://"),
            "open redirect: {location}"
        );
    }

    // A missing page: 404 with the site's 404 page (plus the live-reload script).
    let response = server.get("/papers/no-such-paper/");
    assert_eq!(response.status, 404);
    assert_no_cors(&response, "404");
    assert!(
        response
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/html")),
        "{:?}",
        response.headers
    );
    let page_404 = std::fs::read_to_string(server.out.join("404.html")).unwrap();
    assert_eq!(strip_livereload(&response.text()), page_404);

    // Pages: 200, the script injected right before </body>, the rest byte for byte the file.
    for (target, file) in [
        ("/", "index.html"),
        ("/papers/jukebox/", "papers/jukebox/index.html"),
        ("/tags/music/", "tags/music/index.html"),
        ("/2025/02/06/", "2025/02/06/index.html"),
    ] {
        let response = server.get(target);
        assert_eq!(response.status, 200, "GET {target}");
        assert_no_cors(&response, target);
        let text = response.text();
        assert!(text.contains("/__digest/livereload"), "GET {target}");
        assert_eq!(
            strip_livereload(&text),
            std::fs::read_to_string(server.out.join(file)).unwrap(),
            "GET {target}"
        );
    }
    // Other files: served as they are, no script.
    for (target, file) in [
        ("/style.css", "style.css"),
        ("/atom.xml", "atom.xml"),
        ("/sitemap.xml", "sitemap.xml"),
        ("/robots.txt", "robots.txt"),
    ] {
        let response = server.get(target);
        assert_eq!(response.status, 200, "GET {target}");
        assert_no_cors(&response, target);
        assert_eq!(
            response.body,
            std::fs::read(server.out.join(file)).unwrap(),
            "GET {target}"
        );
    }
    // The websocket path over plain GET (no upgrade) is not a file either.
    let response = server.get("/__digest/livereload");
    assert_no_cors(&response, "plain GET of the websocket path");
    assert_ne!(response.status, 200);
}

#[test]
fn the_websocket_refuses_other_origins_and_survives_junk() {
    let site = Site::fixture("small");
    let mut server = Server::start(&site);

    for origin in [
        "http://evil.example",
        "null",
        "http://127.0.0.1.evil.example",
        &format!("http://{}.evil.example", server.host()),
        &format!("http://evil.example/{}", server.host()),
    ] {
        match server.ws_with_origin(Some(origin)) {
            Err(status) => assert_eq!(status, 403, "Origin: {origin}"),
            Ok(_) => panic!("a websocket with Origin {origin} was accepted"),
        }
    }
    let own = format!("http://{}", server.host());
    let mut ws = server
        .ws_with_origin(Some(&own))
        .unwrap_or_else(|status| panic!("Origin {own} refused with {status}"));

    // Junk from the client is ignored.
    ws.send(Message::Text("not json {".into()));
    ws.send(Message::Text(
        "{\"type\":\"reload\",\"generation\":999}".into(),
    ));
    ws.send(Message::Binary(vec![0u8, 159, 146, 150, 255].into()));
    ws.send(Message::Ping(vec![1, 2, 3].into()));
    // A second connection sends a message over the size limit (the server may drop it).
    let mut big = server.ws();
    let _ = big
        .socket
        .send(Message::Binary(vec![7u8; 64 * 1024].into()));
    let _ = big.socket.flush();
    // A raw connection sends garbage instead of frames after a valid handshake.
    {
        use std::io::Write;
        let mut raw = std::net::TcpStream::connect(("127.0.0.1", server.port)).unwrap();
        raw.write_all(
            format!(
                "GET /__digest/livereload HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
                server.host()
            )
            .as_bytes(),
        )
        .unwrap();
        let _ = raw.write_all(&[0xff; 300]);
    }

    server.assert_alive();
    let home = server.get("/");
    assert_eq!(home.status, 200, "GET / after websocket junk");

    // The junk-sending connection still gets the next reload.
    let text = site.read("content/rohm.md");
    site.write(
        "content/rohm.md",
        &set_key(&text, "title", "\"RoHM After Junk\""),
    );
    // The pings sent above are answered with pongs, which `next` skips.
    let generation = wait_for_reload(&mut ws);
    assert!(generation >= 1);
    assert!(
        !ws.seen.iter().any(|s| matches!(s, Signal::Error(_))),
        "{:?}",
        ws.seen
    );
    server.assert_alive();
}
