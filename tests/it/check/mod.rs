//! `digest check`: the problems it finds in records and in the built site, where it says they
//! are, and the silence it keeps on a clean site.

mod clean;
mod external;
mod seeded;
