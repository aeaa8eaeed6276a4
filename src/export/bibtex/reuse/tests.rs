use super::*;

fn paper(i: usize, day: u8, title: &str) -> Paper {
    let text = format!(
        "+++\ntitle = \"{title} {i}\"\ndate = 2025-03-{day:02}\nauthors = [\"Ann Lee\", \"Bo Chen\"]\n\
         tags = [\"rl\"]\narxiv = \"2503.{i:05}\"\n+++\nBody\n"
    );
    crate::record::parse(&text, "content/p.md", "p").expect("valid record")
}

/// `count` papers and their keys.
fn papers(count: usize) -> (Vec<Paper>, Vec<String>) {
    let papers = (0..count)
        .map(|i| paper(i, 1 + (i % 28) as u8, "Paper"))
        .collect();
    let keys = (0..count).map(|i| format!("lee2025paper{i}")).collect();
    (papers, keys)
}

/// What an entry is made of, as the site hashes it.
fn source(paper: &Paper, key: &str) -> u64 {
    crate::hash::hash_of(&(crate::render::views::cite_hash(paper), key))
}

/// Makes the file of `order` (indices into `papers`) at `path` in `dir`, writes it there and
/// returns it.
fn make(
    layouts: &BibLayouts,
    dir: &Path,
    path: &str,
    papers: &[Paper],
    keys: &[String],
    order: &[usize],
) -> String {
    let text = layouts.cite_all(path, order.len(), |i| {
        let (p, k) = (&papers[order[i]], keys[order[i]].as_str());
        (p, k, source(p, k))
    });
    std::fs::create_dir_all(dir.join(path).parent().unwrap()).unwrap();
    std::fs::write(dir.join(path), &text).unwrap();
    text
}

fn whole(papers: &[Paper], keys: &[String], order: &[usize]) -> String {
    super::super::cite_all(order.iter().map(|&i| (&papers[i], keys[i].as_str())))
}

#[test]
fn a_file_made_from_the_last_one_is_the_file_made_whole() {
    let dir = tempfile::tempdir().unwrap();
    let layouts = BibLayouts::new(dir.path());
    let path = "tags/rl/papers.bib";
    // More than one part, so that entries move between parts.
    let (mut papers, keys) = papers(5000);
    let mut order: Vec<usize> = (0..5000).collect();
    let first = make(&layouts, dir.path(), path, &papers, &keys, &order);
    assert_eq!(first, whole(&papers, &keys, &order));

    // A date edit moves one entry far down, a tag edit adds one and removes another, and one
    // paper's title changes in place.
    papers[10] = paper(10, 3, "Moved");
    let moved = order.remove(10);
    order.insert(4321, moved);
    order.remove(2500);
    order.insert(0, 4999);
    order.pop();
    papers[3000] = paper(3000, 9, "Retitled");
    let second = make(&layouts, dir.path(), path, &papers, &keys, &order);
    assert_eq!(second, whole(&papers, &keys, &order));
    assert_ne!(second, first);

    // And again from that one, with nothing changed.
    let third = make(&layouts, dir.path(), path, &papers, &keys, &order);
    assert_eq!(third, second);
}

#[test]
fn entries_made_of_the_same_are_copied_from_the_file_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let layouts = BibLayouts::new(dir.path());
    let path = "tags/rl/papers.bib";
    let (papers, keys) = papers(600);
    let order: Vec<usize> = (0..600).collect();
    make(&layouts, dir.path(), path, &papers, &keys, &order);
    // Told that every entry is made of the same though paper 7's title changed: the old
    // entry is copied, which shows the copy is what is used.
    let mut edited = papers.clone();
    edited[7] = paper(7, 8, "Changed");
    let again = layouts.cite_all(path, order.len(), |i| {
        (&edited[i], keys[i].as_str(), source(&papers[i], &keys[i]))
    });
    assert_eq!(again, whole(&papers, &keys, &order));
    assert!(!again.contains("Changed 7"));
}

#[test]
fn a_file_changed_on_disk_or_gone_is_made_whole() {
    let dir = tempfile::tempdir().unwrap();
    let layouts = BibLayouts::new(dir.path());
    let path = "tags/rl/papers.bib";
    let (mut papers, keys) = papers(700);
    let order: Vec<usize> = (0..700).collect();
    let written = make(&layouts, dir.path(), path, &papers, &keys, &order);

    // Someone changed the file, keeping its length (one letter of a title): entries copied
    // from it would carry the change.
    let tampered = written.replacen("Paper 3}", "Pbper 3}", 1);
    assert_eq!(tampered.len(), written.len());
    std::fs::write(dir.path().join(path), &tampered).unwrap();
    let made = layouts.cite_all(path, order.len(), |i| {
        let (p, k) = (&papers[i], keys[i].as_str());
        (p, k, source(p, k))
    });
    assert_eq!(made, written);
    std::fs::write(dir.path().join(path), &made).unwrap();

    std::fs::remove_file(dir.path().join(path)).unwrap();
    papers[5] = paper(5, 2, "Gone");
    let made = make(&layouts, dir.path(), path, &papers, &keys, &order);
    assert_eq!(made, whole(&papers, &keys, &order));
}

#[test]
fn an_entry_found_under_another_key_is_made_anew() {
    let dir = tempfile::tempdir().unwrap();
    let layouts = BibLayouts::new(dir.path());
    let path = "tags/rl/papers.bib";
    let (papers, mut keys) = papers(600);
    let order: Vec<usize> = (0..600).collect();
    make(&layouts, dir.path(), path, &papers, &keys, &order);
    // The same hash for another key (as a collision would give): the key is checked.
    let stale = source(&papers[4], &keys[4]);
    keys[4] = "lee2025paperb".to_string();
    let made = layouts.cite_all(path, order.len(), |i| {
        let (p, k) = (&papers[i], keys[i].as_str());
        (p, k, if i == 4 { stale } else { source(p, k) })
    });
    assert_eq!(made, whole(&papers, &keys, &order));
    assert!(made.contains("@misc{lee2025paperb,\n"));
}

#[test]
fn layouts_read_back_make_the_same_file_from_the_written_one() {
    let dir = tempfile::tempdir().unwrap();
    let layouts = BibLayouts::new(dir.path());
    let path = "tags/rl/papers.bib";
    let (papers, keys) = papers(900);
    let order: Vec<usize> = (0..900).collect();
    let written = make(&layouts, dir.path(), path, &papers, &keys, &order);
    let read = BibLayouts::from_bytes(dir.path(), &layouts.to_bytes()).expect("layouts");
    // Paper 7 changed but said to be made of the same: its entry as written is copied, which
    // shows the layout read back is used.
    let mut edited = papers.clone();
    edited[7] = paper(7, 8, "Changed");
    let again = read.cite_all(path, order.len(), |i| {
        (&edited[i], keys[i].as_str(), source(&papers[i], &keys[i]))
    });
    assert_eq!(again, written);
    // Bytes that are no layouts are refused, as are layouts whose ends go back.
    assert!(BibLayouts::from_bytes(dir.path(), b"\x01\x02garbage").is_none());
    let bad: Vec<(String, Layout)> = vec![(
        path.to_string(),
        Layout {
            made_from: vec![1, 2],
            ends: vec![10, 5],
            hash: 0,
        },
    )];
    let bytes = postcard::to_stdvec(&bad).unwrap();
    assert!(BibLayouts::from_bytes(dir.path(), &bytes).is_none());
}
