use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

use super::*;

fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }
}

#[test]
fn urls_give_host_port_and_security() {
    for (url, wanted) in [
        (
            "smtps://smtp.example.org",
            ("smtp.example.org", 465, Security::Implicit),
        ),
        (
            "smtps://SMTP.example.org:2465/",
            ("smtp.example.org", 2465, Security::Implicit),
        ),
        (
            "smtp://smtp.example.org",
            ("smtp.example.org", 587, Security::StartTls),
        ),
        ("smtp://10.0.0.1:25", ("10.0.0.1", 25, Security::StartTls)),
        (
            "smtp://127.0.0.1:2525",
            ("127.0.0.1", 2525, Security::LoopbackPlain),
        ),
        (
            "smtp://127.3.4.5",
            ("127.3.4.5", 587, Security::LoopbackPlain),
        ),
        (
            "smtp://localhost:25",
            ("localhost", 25, Security::LoopbackPlain),
        ),
        ("smtp://[::1]:25", ("::1", 25, Security::LoopbackPlain)),
        (
            "smtp://[2001:db8::1]",
            ("2001:db8::1", 587, Security::StartTls),
        ),
        // A name that merely starts like a loopback address is not one.
        (
            "smtp://127.0.0.1.example.org",
            ("127.0.0.1.example.org", 587, Security::StartTls),
        ),
        (
            "smtp://localhost.example.org",
            ("localhost.example.org", 587, Security::StartTls),
        ),
    ] {
        let (host, port, security) = parse_url(url).unwrap();
        assert_eq!((host.as_str(), port, security), wanted, "{url}");
    }
}

#[test]
fn bad_urls_say_what_to_write() {
    for (url, wanted) in [
        ("smtp.example.org", "must start with smtps://"),
        ("https://smtp.example.org", "not https://"),
        ("smtps://", "names no valid host"),
        ("smtps://host:99999", "`99999` is not a port number"),
        ("smtps://host:0", "is not a port number"),
        ("smtps://host/path", "more than a host and a port"),
        ("smtps://host?tls=none", "more than a host and a port"),
        ("smtps://[::1", "closing ]"),
        ("smtps://ho st", "more than a host"),
    ] {
        let err = parse_url(url).unwrap_err();
        assert!(err.contains(wanted), "{url}: {err}");
    }
    // The part before @ may be a password: it is never repeated.
    let err = parse_url("smtps://me:s3cret@smtp.example.org").unwrap_err();
    assert!(err.contains("SMTP_USER and SMTP_PASSWORD"), "{err}");
    assert!(!err.contains("s3cret"), "{err}");
}

#[test]
fn the_environment_is_checked_as_a_whole() {
    let err = |pairs: &[(&str, &str)]| SmtpConfig::from_vars(vars(pairs)).unwrap_err();
    let missing = err(&[]);
    assert_eq!(missing.kind, FailureKind::Usage);
    assert!(
        missing.message.contains("SMTP_URL is not set"),
        "{}",
        missing.message
    );
    let half = err(&[("SMTP_URL", "smtps://h"), ("SMTP_USER", "me")]);
    assert!(
        half.message.contains("SMTP_PASSWORD is not"),
        "{}",
        half.message
    );
    let half = err(&[("SMTP_URL", "smtps://h"), ("SMTP_PASSWORD", "s3cret")]);
    assert!(
        half.message.contains("SMTP_USER is not"),
        "{}",
        half.message
    );
    assert!(!half.message.contains("s3cret"));
    let tmp = tempfile::tempdir().unwrap();
    let not_pem = tmp.path().join("ca.txt");
    std::fs::write(&not_pem, "hello").unwrap();
    let bad = err(&[
        ("SMTP_URL", "smtps://h"),
        ("SMTP_CA_FILE", not_pem.to_str().unwrap()),
    ]);
    assert!(
        bad.message.contains("holds no PEM certificate"),
        "{}",
        bad.message
    );
    let absent = tmp.path().join("absent.pem");
    let bad = err(&[
        ("SMTP_URL", "smtps://h"),
        ("SMTP_CA_FILE", absent.to_str().unwrap()),
    ]);
    assert!(bad.message.contains("cannot read"), "{}", bad.message);
    let ok = SmtpConfig::from_vars(vars(&[
        ("SMTP_URL", "smtp://smtp.example.org"),
        ("SMTP_USER", "me"),
        ("SMTP_PASSWORD", "s3cret"),
    ]))
    .unwrap();
    assert_eq!(ok.shown(), "smtp://smtp.example.org:587");
    assert!(!format!("{ok:?}").contains("s3cret"));
}

/// A server that greets, answers EHLO without STARTTLS, and records every command it gets.
fn plain_server() -> (u16, std::thread::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut writer = stream.try_clone().unwrap();
        let mut commands = Vec::new();
        writer.write_all(b"220 test ESMTP\r\n").unwrap();
        let mut in_data = false;
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            if in_data {
                in_data = line != ".";
                if !in_data && writer.write_all(b"250 queued\r\n").is_err() {
                    break;
                }
                continue;
            }
            commands.push(line.clone());
            let upper = line.to_ascii_uppercase();
            let answer: &[u8] = if upper.starts_with("EHLO") {
                b"250-test\r\n250 8BITMIME\r\n"
            } else if upper == "DATA" {
                in_data = true;
                b"354 go on\r\n"
            } else if upper.starts_with("QUIT") {
                let _ = writer.write_all(b"221 bye\r\n");
                break;
            } else {
                b"250 ok\r\n"
            };
            if writer.write_all(answer).is_err() {
                break;
            }
        }
        commands
    });
    (port, handle)
}

/// `smtp://` to a host that is not this machine must not fall back to plain text when the
/// server offers no STARTTLS: nothing is sent. (The server here listens on 127.0.0.1, so the
/// configuration is made as it is for any other host.)
#[test]
fn smtp_to_a_remote_host_without_starttls_is_refused() {
    let (port, server) = plain_server();
    let mut config = SmtpConfig::from_vars(vars(&[("SMTP_URL", "smtp://127.0.0.1")])).unwrap();
    config.port = port;
    config.security = Security::StartTls;
    let mut mailer = Mailer::new(config);
    let err = mailer.connect().unwrap_err();
    let SendError::Connection(message) = &err else {
        panic!("{err:?}")
    };
    assert!(message.contains("does not offer STARTTLS"), "{message}");
    assert!(message.contains("smtps://"), "{message}");
    let commands = server.join().unwrap();
    assert!(
        !commands
            .iter()
            .any(|c| c.starts_with("MAIL") || c.starts_with("AUTH")),
        "{commands:?}"
    );
}

/// The same server on loopback is allowed plain: a message goes through.
#[test]
fn smtp_to_loopback_may_be_plain() {
    let (port, server) = plain_server();
    let url = format!("smtp://127.0.0.1:{port}");
    let config = SmtpConfig::from_vars(vars(&[("SMTP_URL", &url)])).unwrap();
    assert_eq!(config.security, Security::LoopbackPlain);
    let mut mailer = Mailer::new(config);
    let envelope = Envelope::new(
        Some("d@example.org".parse().unwrap()),
        vec!["r@example.org".parse().unwrap()],
    )
    .unwrap();
    mailer
        .send(&envelope, b"Subject: x\r\n\r\nhello\r\n")
        .unwrap();
    mailer.quit();
    let commands = server.join().unwrap();
    assert!(
        commands.iter().any(|c| c == "MAIL FROM:<d@example.org>"),
        "{commands:?}"
    );
    assert!(
        commands.iter().any(|c| c == "RCPT TO:<r@example.org>"),
        "{commands:?}"
    );
}

#[test]
fn a_closed_port_is_a_connection_error() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("smtp://127.0.0.1:{port}");
    let mut mailer = Mailer::new(SmtpConfig::from_vars(vars(&[("SMTP_URL", &url)])).unwrap());
    let err = mailer.connect().unwrap_err();
    assert!(matches!(err, SendError::Connection(_)), "{err:?}");
    assert!(
        err.to_string()
            .contains(&format!("smtp://127.0.0.1:{port}")),
        "{err}"
    );
}
