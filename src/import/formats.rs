//! The listing formats `digest import` reads, and recognising one from its first bytes.

use super::entry::{EntryProblem, MAX_INPUT_BYTES, Parsed};
use super::hf_text;

/// A listing format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Recognise the format from the content.
    Auto,
    /// A Hugging Face Daily Papers page copied as text.
    HfText,
}

/// Settings some formats need.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions {
    /// Year for dates written without one (`Feb 6`).
    pub year: i16,
}

/// Guesses the format of `input` from its content.
pub fn detect(input: &str) -> Option<Format> {
    let start = input.trim_start_matches('\u{feff}').trim_start();
    if start.contains("authors\n")
        || start.contains("authors\r\n")
        || start.contains("Daily Papers")
    {
        return Some(Format::HfText);
    }
    None
}

/// Reads `input` as `format`. An `Err` means nothing could be read (wrong format, too large);
/// entries that could not be read are in [`Parsed::problems`].
pub fn read(format: Format, input: &str, options: ReadOptions) -> Result<Parsed, String> {
    if input.len() > MAX_INPUT_BYTES {
        return Err(format!(
            "the input is {} MiB; digest reads listings of at most {} MiB: split it into smaller files",
            input.len() >> 20,
            MAX_INPUT_BYTES >> 20
        ));
    }
    let format = match format {
        Format::Auto => detect(input).ok_or(
            "cannot tell the format of this listing: name it, e.g. `digest import hf-text FILE`",
        )?,
        other => other,
    };
    Ok(match format {
        Format::Auto => unreachable!("resolved above"),
        Format::HfText => {
            let (papers, errors) = hf_text::parse_entries(input, options.year);
            let problems = errors
                .into_iter()
                .map(|e| {
                    let (line, column) = e.position();
                    let text = e.to_string();
                    // The message starts with "line L, column C: "; the caller shows the position.
                    let message = text
                        .split_once(": ")
                        .map_or(text.as_str(), |(_, m)| m)
                        .to_string();
                    EntryProblem {
                        line,
                        column,
                        message,
                    }
                })
                .collect();
            Parsed { papers, problems }
        }
    })
}
