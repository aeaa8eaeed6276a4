//! `digest send` over TLS: STARTTLS with a certificate from a private CA (SMTP_CA_FILE) and a
//! login, refused without that CA or with another one; `smtps://`, TLS from the first byte.

use super::*;

/// STARTTLS with a certificate from a private CA given in SMTP_CA_FILE, and a login; the same
/// server is refused without that CA or with another one, and nothing is sent.
#[test]
fn starttls_with_a_test_ca_and_a_login() {
    let (_tmp, root) = site("");
    let server = SmtpServer::start(&ServerOptions {
        require_starttls: true,
        auth: Some(("digest-bot".into(), "s3cret pass".into())),
        ..ServerOptions::default()
    });
    let ca = certs().join("ca.pem");
    let other = certs().join("other-ca.pem");
    let login = [
        ("SMTP_USER", "digest-bot"),
        ("SMTP_PASSWORD", "s3cret pass"),
    ];
    let args = ["--date", "2025-02-06", "--to", "ada@example.org"];

    for (trust, why) in [(None, "no CA file"), (Some(&other), "another CA")] {
        let mut env = login.to_vec();
        if let Some(trust) = trust {
            env.push(("SMTP_CA_FILE", trust.to_str().unwrap()));
        }
        let run = send(&root, Some(&server), &args, &env);
        assert_eq!(run.code, Some(3), "{why}: {}\n{}", run.stdout, run.stderr);
        assert!(run.stderr.contains("SMTP_CA_FILE"), "{why}: {}", run.stderr);
        assert!(
            run.stderr.contains("nothing was sent"),
            "{why}: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("s3cret"), "{}", run.stderr);
    }
    assert!(server.received().is_empty());

    let mut env = login.to_vec();
    env.push(("SMTP_CA_FILE", ca.to_str().unwrap()));
    let run = send(&root, Some(&server), &args, &env);
    run.assert_success();
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert!(received[0].tls, "sent over TLS");
    assert_eq!(received[0].login.as_deref(), Some("digest-bot"));
    assert_digest(&parse_message(&received[0].eml), Some("ada@example.org"));
    assert!(ledger(&root).contains("[sent.\"day/2025-02-06\".to]"));

    // A wrong password: refused at login, exit 3, the password never printed.
    let wrong = [
        ("SMTP_USER", "digest-bot"),
        ("SMTP_PASSWORD", "wrong-pass"),
        ("SMTP_CA_FILE", ca.to_str().unwrap()),
    ];
    let run = send(
        &root,
        Some(&server),
        &["--date", "2025-02-06", "--to", "bwk@example.net"],
        &wrong,
    );
    assert_eq!(run.code, Some(3), "{}", run.stderr);
    assert!(
        run.stderr.contains("SMTP_USER") && !run.stderr.contains("wrong-pass"),
        "{}",
        run.stderr
    );
}

/// `smtps://`: TLS from the first byte, trusted through SMTP_CA_FILE.
#[test]
fn smtps_speaks_tls_from_the_start() {
    let (_tmp, root) = site("");
    let server = SmtpServer::start(&ServerOptions {
        implicit_tls: true,
        ..ServerOptions::default()
    });
    let ca = certs().join("ca.pem");
    let run = send(
        &root,
        Some(&server),
        &["--date", "2025-02-06", "--to", "ada@example.org"],
        &[("SMTP_CA_FILE", ca.to_str().unwrap())],
    );
    run.assert_success();
    assert!(
        run.stdout.contains("through smtps://127.0.0.1:"),
        "{}",
        run.stdout
    );
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert!(received[0].tls);
}
