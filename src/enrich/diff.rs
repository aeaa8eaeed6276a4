//! A unified-style diff of two versions of a record, for `--dry-run`. Records are small: a
//! longest-common-subsequence table over their lines is cheap.

/// Lines of context around each change.
const CONTEXT: usize = 2;

/// The diff of `old` and `new` as `---`/`+++` headers naming `path` and `@@` hunks; empty when
/// they are equal.
pub(crate) fn unified(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    // The edit script: (' ' | '-' | '+', line); a removal before the addition replacing it.
    let mut ops: Vec<(char, &str)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            ops.push((' ', a[i]));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push(('-', a[i]));
            i += 1;
        } else {
            ops.push(('+', b[j]));
            j += 1;
        }
    }
    let mut out = format!("--- a/{path}\n+++ b/{path}\n");
    let changed: Vec<usize> = (0..ops.len()).filter(|&k| ops[k].0 != ' ').collect();
    let mut k = 0;
    while k < changed.len() {
        // A hunk runs from CONTEXT lines before a change to CONTEXT lines after the last change
        // that is within 2 * CONTEXT lines of the one before it.
        let start = changed[k].saturating_sub(CONTEXT);
        let mut last = changed[k];
        while k + 1 < changed.len() && changed[k + 1] <= last + 2 * CONTEXT + 1 {
            k += 1;
            last = changed[k];
        }
        let end = (last + CONTEXT + 1).min(ops.len());
        let old_start = ops[..start].iter().filter(|o| o.0 != '+').count() + 1;
        let new_start = ops[..start].iter().filter(|o| o.0 != '-').count() + 1;
        let old_len = ops[start..end].iter().filter(|o| o.0 != '+').count();
        let new_len = ops[start..end].iter().filter(|o| o.0 != '-').count();
        out.push_str(&format!(
            "@@ -{old_start},{old_len} +{new_start},{new_len} @@\n"
        ));
        for (op, line) in &ops[start..end] {
            out.push(*op);
            out.push_str(line);
            out.push('\n');
        }
        k += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_and_removed_lines_with_context() {
        let old = "+++\ntitle = \"T\"\ndate = 2025-02-06\nauthor_count = 2\n+++\nBody.\n";
        let new = "+++\ntitle = \"T\"\ndate = 2025-02-06\nauthors = [\"A\", \"B\"]\narxiv = \"1\"\n+++\nBody.\n";
        assert_eq!(
            unified("content/t.md", old, new),
            "--- a/content/t.md\n+++ b/content/t.md\n@@ -2,5 +2,6 @@\n \
             title = \"T\"\n date = 2025-02-06\n-author_count = 2\n+authors = [\"A\", \"B\"]\n\
             +arxiv = \"1\"\n +++\n Body.\n"
        );
        assert_eq!(unified("x", old, old), "");
    }
}
