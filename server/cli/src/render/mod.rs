//! Everything the CLI shows a person: JSON in the reference's shape, source excerpts.

pub mod doc;
pub mod doc_v2;
pub mod excerpt;
pub mod html;
pub mod json;
