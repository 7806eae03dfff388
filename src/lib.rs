//! nianbao (年报): China's annual reports on government information disclosure → comparable data.
//!
//! The pipeline has one direction, and so do the modules:
//! [`read`] (a file → [`model::Document`]) → [`recognise`] (document → [`recognise::AnnualReport`])
//! → [`check`] (identities) → [`write`] (CSV). [`pipeline`] runs the four for one file and
//! for a batch; the binary is a thin shell over it.

pub mod check;
pub mod model;
pub mod ocr;
pub mod pipeline;
pub mod read;
pub mod recognise;
pub mod write;
