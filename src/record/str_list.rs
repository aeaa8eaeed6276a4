//! A short list of strings kept in one allocation: a record's authors.
//!
//! A `Vec<String>` of eight names is nine allocations (the vector and each name), each with
//! its header and rounding: about 450 bytes for 120 bytes of names. A site keeps every
//! paper's authors for its whole build, so at a million papers that was the largest column.
//! [`StrList`] keeps the names back to back, each after its length, in one boxed `str`.

use std::fmt;

/// A list of strings in one allocation; reads like a slice of `&str` ([`StrList::iter`],
/// [`StrList::get`], [`StrList::len`]). Serialized as a sequence of strings, like the
/// `Vec<String>` it replaces, in a form people read (JSON); in a binary one (the build cache)
/// as its text, which reads back in one allocation and one UTF-8 check.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct StrList {
    /// Each string as its byte length followed by its text. A length is written in ASCII
    /// bytes (six bits each, low first, `0x40` on all but the last), so the whole is one
    /// `str` and reading a string back slices it instead of checking its UTF-8 again (that
    /// check was 2% of a build: authors are read on every card).
    bytes: Box<str>,
}

impl StrList {
    /// The strings, in order.
    pub fn iter(&self) -> Iter<'_> {
        Iter { rest: &self.bytes }
    }

    /// Number of strings (counted: lists are short).
    pub fn len(&self) -> usize {
        self.iter().remaining()
    }

    /// Whether the list holds no string.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The `i`-th string.
    pub fn get(&self, i: usize) -> Option<&str> {
        self.iter().nth(i)
    }

    /// The first string.
    pub fn first(&self) -> Option<&str> {
        self.iter().next()
    }

    /// The strings as owned ones.
    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_string).collect()
    }

    /// The strings with `separator` between them.
    pub fn join(&self, separator: &str) -> String {
        let mut out = String::with_capacity(self.bytes.len());
        for (i, s) in self.iter().enumerate() {
            if i > 0 {
                out.push_str(separator);
            }
            out.push_str(s);
        }
        out
    }

    /// Bytes held on the heap.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.bytes.len()
    }
}

impl<S: AsRef<str>> FromIterator<S> for StrList {
    fn from_iter<I: IntoIterator<Item = S>>(strings: I) -> StrList {
        let mut bytes = String::new();
        for s in strings {
            push_entry(&mut bytes, s.as_ref());
        }
        StrList {
            bytes: bytes.into_boxed_str(),
        }
    }
}

impl From<Vec<String>> for StrList {
    fn from(strings: Vec<String>) -> StrList {
        strings.iter().collect()
    }
}

impl<const N: usize> From<[&str; N]> for StrList {
    fn from(strings: [&str; N]) -> StrList {
        strings.iter().collect()
    }
}

impl<S: AsRef<str>> PartialEq<[S]> for StrList {
    fn eq(&self, other: &[S]) -> bool {
        self.iter().eq(other.iter().map(AsRef::as_ref))
    }
}

impl<S: AsRef<str>, const N: usize> PartialEq<[S; N]> for StrList {
    fn eq(&self, other: &[S; N]) -> bool {
        self == &other[..]
    }
}

impl<'a> IntoIterator for &'a StrList {
    type Item = &'a str;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl fmt::Debug for StrList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// Bits of a length in each of its bytes.
const LENGTH_BITS: u32 = 6;
/// The bits of a length byte that hold the length.
const LOW: usize = (1 << LENGTH_BITS) - 1;
/// The bit of a length byte saying another follows.
const MORE: u8 = 1 << LENGTH_BITS;

/// Appends `s` to a list's text: its length, then it.
fn push_entry(bytes: &mut String, s: &str) {
    let mut n = s.len();
    loop {
        let low = (n & LOW) as u8;
        n >>= LENGTH_BITS;
        if n == 0 {
            bytes.push(char::from(low));
            break;
        }
        bytes.push(char::from(low | MORE));
    }
    bytes.push_str(s);
}

/// Reads a length off the front of `rest`; `None` at its end.
fn take_length(rest: &mut &str) -> Option<usize> {
    let mut n = 0usize;
    let mut shift = 0;
    for (i, &byte) in rest.as_bytes().iter().enumerate() {
        n |= (usize::from(byte) & LOW) << shift;
        shift += LENGTH_BITS;
        if byte & MORE == 0 {
            *rest = &rest[i + 1..];
            return Some(n);
        }
    }
    None
}

/// The strings of a [`StrList`].
#[derive(Clone)]
pub struct Iter<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let n = take_length(&mut self.rest)?;
        let (text, rest) = self.rest.split_at_checked(n)?;
        self.rest = rest;
        Some(text)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.remaining();
        (n, Some(n))
    }
}

impl Iter<'_> {
    /// Strings left, counted by their lengths alone.
    fn remaining(&self) -> usize {
        let mut rest = self.rest;
        let mut count = 0;
        while let Some(n) = take_length(&mut rest) {
            rest = rest.get(n..).unwrap_or_default();
            count += 1;
        }
        count
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl serde::Serialize for StrList {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            serializer.collect_seq(self.iter())
        } else {
            serializer.serialize_str(&self.bytes)
        }
    }
}

/// Whether `text` is a list's text as [`push_entry`] writes it: lengths in ASCII bytes and in
/// their shortest form, each followed by that many bytes ending on a character boundary,
/// nothing left over. Two texts of the same strings are then the same bytes (lists compare by
/// their bytes).
fn well_formed(text: &str) -> bool {
    let mut rest = text;
    while !rest.is_empty() {
        let bytes = rest.as_bytes();
        let Some(last) = bytes.iter().position(|&b| b & MORE == 0) else {
            return false;
        };
        if (last > 0 && bytes[last] == 0) || !bytes[..=last].is_ascii() {
            return false;
        }
        let Some(n) = take_length(&mut rest) else {
            return false;
        };
        match rest.get(n..) {
            Some(after) => rest = after,
            None => return false,
        }
    }
    true
}

/// Read as it is written: from a form people read, as a sequence of strings, each appended to
/// the list's text as it is read (no `String` a name); from a binary one, as the list's text,
/// checked to be one [`push_entry`] writes.
impl<'de> serde::Deserialize<'de> for StrList {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<StrList, D::Error> {
        if deserializer.is_human_readable() {
            deserializer.deserialize_seq(ListVisitor)
        } else {
            deserializer.deserialize_str(TextVisitor)
        }
    }
}

/// Reads a list's text, as a binary form holds it.
struct TextVisitor;

impl<'de> serde::de::Visitor<'de> for TextVisitor {
    type Value = StrList;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of strings, packed")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<StrList, E> {
        if well_formed(text) {
            Ok(StrList { bytes: text.into() })
        } else {
            Err(E::invalid_value(serde::de::Unexpected::Str(text), &self))
        }
    }
}

struct ListVisitor;

impl<'de> serde::de::Visitor<'de> for ListVisitor {
    type Value = StrList;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of strings")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<StrList, A::Error> {
        let mut bytes = String::new();
        while seq.next_element_seed(Append(&mut bytes))?.is_some() {}
        Ok(StrList {
            bytes: bytes.into_boxed_str(),
        })
    }
}

/// One string of a list being read, appended to its text.
struct Append<'a>(&'a mut String);

impl<'de> serde::de::DeserializeSeed<'de> for Append<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Append<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<(), E> {
        push_entry(self.0, s);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(crate::record::mutations::config(256))]

        /// Any strings (empty ones, long ones whose length takes several bytes, any
        /// characters) read back as written, one by one and through serde.
        #[test]
        fn strings_read_back_as_written(strings in proptest::collection::vec(
            prop_oneof![".{0,20}", "[a-z]{100,400}", "[a-z]{4100,4200}", Just(String::new())], 0..12)) {
            let list = StrList::from(strings.clone());
            prop_assert_eq!(list.to_vec(), strings.clone());
            prop_assert_eq!(list.len(), strings.len());
            prop_assert_eq!(list.is_empty(), strings.is_empty());
            for (i, s) in strings.iter().enumerate() {
                prop_assert_eq!(list.get(i), Some(s.as_str()));
            }
            prop_assert_eq!(list.get(strings.len()), None);
            let json = serde_json::to_string(&list).unwrap();
            prop_assert_eq!(&json, &serde_json::to_string(&strings).unwrap());
            let back: StrList = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(&back, &list);
            let binary = postcard::to_stdvec(&list).unwrap();
            prop_assert_eq!(postcard::from_bytes::<StrList>(&binary).unwrap(), list);
        }

        /// A binary form's text that is not a list as written (a length running past the end or
        /// into a character, a length not in its shortest form, a length cut short) is refused,
        /// never read as some other list.
        #[test]
        fn a_packed_text_not_as_written_is_refused(strings in proptest::collection::vec(".{0,80}", 1..6), cut in 0usize..400) {
            let list = StrList::from(strings);
            let text: &str = &list.bytes;
            let mut cut = cut.min(text.len() - 1);
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            let short = &text[..cut];
            let read = postcard::from_bytes::<StrList>(&postcard::to_stdvec(short).unwrap());
            // Read only when cut where a string ends: the list of the strings before.
            if let Ok(back) = read {
                prop_assert!(back.len() < list.len() && list.iter().take(back.len()).eq(back.iter()));
            }
        }
    }

    #[test]
    fn packed_texts_that_were_never_written_are_refused() {
        let read =
            |text: &str| postcard::from_bytes::<StrList>(&postcard::to_stdvec(text).unwrap());
        assert_eq!(read("\u{3}Ada\u{2}Al").unwrap(), ["Ada", "Al"]);
        assert_eq!(read("").unwrap(), StrList::default());
        // Lengths past the end, into the middle of `é`, in a longer form than needed, cut short.
        // A length in a character that is not ASCII (`À` is C3 80: the bits of a length 3).
        for bad in [
            "\u{4}Ada",
            "\u{3}é",
            "\u{1}é",
            "\u{43}\u{0}Ada",
            "@",
            "Àabc",
        ] {
            assert!(read(bad).is_err(), "{bad:?} was read");
        }
        // JSON keeps the list of strings.
        let list = StrList::from(["Ada", "Al"]);
        assert_eq!(serde_json::to_string(&list).unwrap(), r#"["Ada","Al"]"#);
    }

    #[test]
    fn an_empty_string_is_a_string_and_lists_compare_with_slices() {
        let list = StrList::from(["", "Ada"]);
        assert_eq!(list.len(), 2);
        assert!(!list.is_empty());
        assert_eq!(list, ["", "Ada"]);
        assert_ne!(list, ["Ada"]);
        assert!(StrList::default().is_empty());
        assert_eq!(format!("{list:?}"), r#"["", "Ada"]"#);
    }

    #[test]
    fn strings_written_with_escapes_read_back_and_other_values_are_refused() {
        let list: StrList = serde_json::from_str(r#"["a\"b", "\u00e9\n", ""]"#).unwrap();
        assert_eq!(list, ["a\"b", "é\n", ""]);
        let error = serde_json::from_str::<StrList>(r#"["a", 1]"#).unwrap_err();
        assert!(error.to_string().contains("expected a string"), "{error}");
        assert!(serde_json::from_str::<StrList>(r#""a""#).is_err());
    }
}
