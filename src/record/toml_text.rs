//! A record's `extra` table in the build cache: written as TOML text and parsed back. The
//! cache's binary form says nothing about a value's kind, and a TOML value is read by its kind
//! (string, integer, date, table…), so the table travels as the text that says it.

use serde::de::Error as _;
use serde::ser::Error as _;
use serde::{Deserialize, Deserializer, Serializer};

/// Writes `table` as TOML text (empty for an empty table, as most records have).
pub(super) fn serialize<S: Serializer>(table: &toml::Table, to: S) -> Result<S::Ok, S::Error> {
    if table.is_empty() {
        return to.serialize_str("");
    }
    let text = toml::to_string(table).map_err(S::Error::custom)?;
    to.serialize_str(&text)
}

/// Reads a table written by [`serialize`].
pub(super) fn deserialize<'de, D: Deserializer<'de>>(from: D) -> Result<toml::Table, D::Error> {
    let text = String::deserialize(from)?;
    if text.is_empty() {
        return Ok(toml::Table::new());
    }
    text.parse::<toml::Table>().map_err(D::Error::custom)
}

#[cfg(test)]
mod tests {
    #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    struct Holder {
        #[serde(with = "super")]
        extra: toml::Table,
    }

    /// Every kind of TOML value comes back as it was, through the cache's binary form.
    #[test]
    fn every_kind_of_value_survives_the_binary_form() {
        let extra: toml::Table = r#"
            venue = "NeurIPS"
            pages = 12
            score = -0.5
            oral = true
            seen = 2025-03-03
            at = 2025-03-03T10:00:00Z
            list = [1, "two", 3.0]
            nested = { a = { b = "c" }, "odd key" = "x\ny" }
            inf = inf
        "#
        .parse()
        .unwrap();
        for table in [extra, toml::Table::new()] {
            let holder = Holder { extra: table };
            let bytes = postcard::to_stdvec(&holder).unwrap();
            let back: Holder = postcard::from_bytes(&bytes).unwrap();
            assert_eq!(back, holder);
        }
    }
}
