//! Finds where a field path sits in the scenario text, so resolution errors can name a line.

use super::error::{location_of, FieldPath, Location, PathPart};
use std::ops::Range;
use toml_edit::{ImDocument, Item, Table, Value};

/// One step of a walk through a parsed document: tables, values and arrays-of-tables differ.
#[derive(Clone, Copy)]
enum Node<'a> {
    Item(&'a Item),
    Table(&'a Table),
    Value(&'a Value),
}

impl<'a> Node<'a> {
    fn span(self) -> Option<Range<usize>> {
        match self {
            Node::Item(i) => i.span(),
            Node::Table(t) => t.span(),
            Node::Value(v) => v.span(),
        }
    }

    /// The child at `part`, with the span of its key when it has one.
    fn child(self, part: &PathPart) -> Option<(Node<'a>, Option<Range<usize>>)> {
        match (self, part) {
            (Node::Item(Item::Table(t)), PathPart::Key(k)) | (Node::Table(t), PathPart::Key(k)) => {
                let key_span = t.key(k).and_then(|key| key.span());
                t.get(k).map(|i| (Node::Item(i), key_span))
            }
            (Node::Item(Item::Value(v)), _) => Node::Value(v).child(part),
            (Node::Value(Value::InlineTable(t)), PathPart::Key(k)) => {
                let key_span = t.key(k).and_then(|key| key.span());
                t.get(k).map(|v| (Node::Value(v), key_span))
            }
            (Node::Item(Item::ArrayOfTables(a)), PathPart::Index(i)) => {
                a.get(*i).map(|t| (Node::Table(t), None))
            }
            (Node::Value(Value::Array(a)), PathPart::Index(i)) => {
                a.get(*i).map(|v| (Node::Value(v), None))
            }
            _ => None,
        }
    }
}

/// Line and column of the value at `path`; when the path goes deeper than the document (a
/// missing field), the deepest existing ancestor is named instead.
pub fn locate(text: &str, path: &FieldPath) -> Option<Location> {
    let doc = ImDocument::parse(text).ok()?;
    let mut node = Node::Item(doc.as_item());
    let mut best: Option<Range<usize>> = None;
    for part in &path.0 {
        let Some((child, key_span)) = node.child(part) else {
            break;
        };
        best = child.span().or(key_span).or(best);
        node = child;
    }
    best.map(|span| location_of(text, span.start))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"name = "x"
[load]
model = "open"

[[load.stage]]
duration = "5s"

[[load.stage]]
duration = "oops"
rate = 10
"#;

    #[test]
    fn finds_values_inside_arrays_of_tables() {
        let path = FieldPath::root()
            .key("load")
            .key("stage")
            .index(1)
            .key("duration");
        assert_eq!(
            locate(TEXT, &path),
            Some(Location {
                line: 9,
                column: 12
            })
        );
    }

    #[test]
    fn missing_field_points_at_the_parent() {
        let path = FieldPath::root()
            .key("load")
            .key("stage")
            .index(0)
            .key("rate");
        let loc = locate(TEXT, &path).expect("parent found");
        assert_eq!(loc.line, 5);
    }
}

/// The field path whose key or value covers byte `offset` (deepest match), for serde errors
/// that carry only a span.
pub fn path_at(text: &str, offset: usize) -> Option<FieldPath> {
    let doc = ImDocument::parse(text).ok()?;
    let mut found = None;
    walk(
        Node::Item(doc.as_item()),
        &FieldPath::root(),
        offset,
        &mut found,
    );
    found
}

fn covers(span: Option<Range<usize>>, offset: usize) -> bool {
    span.is_some_and(|s| s.start <= offset && offset < s.end.max(s.start + 1))
}

fn walk(node: Node<'_>, path: &FieldPath, offset: usize, found: &mut Option<FieldPath>) {
    match node {
        Node::Item(Item::Table(t)) | Node::Table(t) => {
            for (k, item) in t.iter() {
                let child = path.key(k);
                let key_span = t.key(k).and_then(|key| key.span());
                if covers(key_span, offset) || covers(item.span(), offset) {
                    *found = Some(child.clone());
                }
                walk(Node::Item(item), &child, offset, found);
            }
        }
        Node::Item(Item::ArrayOfTables(a)) => {
            for (i, t) in a.iter().enumerate() {
                walk(Node::Table(t), &path.index(i), offset, found);
            }
        }
        Node::Item(Item::Value(v)) | Node::Value(v) => match v {
            Value::InlineTable(t) => {
                for (k, value) in t.iter() {
                    let child = path.key(k);
                    if covers(value.span(), offset)
                        || covers(t.key(k).and_then(|key| key.span()), offset)
                    {
                        *found = Some(child.clone());
                    }
                    walk(Node::Value(value), &child, offset, found);
                }
            }
            Value::Array(a) => {
                for (i, value) in a.iter().enumerate() {
                    if covers(value.span(), offset) {
                        *found = Some(path.index(i));
                    }
                    walk(Node::Value(value), &path.index(i), offset, found);
                }
            }
            _ => {}
        },
        Node::Item(Item::None) => {}
    }
}

#[cfg(test)]
mod path_at_tests {
    use super::*;

    #[test]
    fn finds_the_field_under_an_offset() {
        let text = "[load]\nmodel = \"open\"\n[[load.stage]]\nduration = 5\n";
        let offset = text.find("5").unwrap();
        assert_eq!(
            path_at(text, offset).unwrap().to_string(),
            "load.stage[0].duration"
        );
    }
}

/// The path of the table whose span is exactly `span` (serde's "missing field" errors carry the
/// span of the table that lacks the field); the document root when no table matches.
pub fn table_at(text: &str, span: Range<usize>) -> FieldPath {
    let Ok(doc) = ImDocument::parse(text) else {
        return FieldPath::root();
    };
    let mut found = None;
    find_table(
        Node::Table(doc.as_table()),
        &FieldPath::root(),
        &span,
        &mut found,
    );
    found.unwrap_or_else(FieldPath::root)
}

fn find_table(
    node: Node<'_>,
    path: &FieldPath,
    span: &Range<usize>,
    found: &mut Option<FieldPath>,
) {
    if found.is_some() {
        return;
    }
    let is_match = |s: Option<Range<usize>>| s.as_ref() == Some(span);
    match node {
        Node::Item(Item::Table(t)) | Node::Table(t) => {
            if !path.0.is_empty() && is_match(t.span()) {
                *found = Some(path.clone());
                return;
            }
            for (k, item) in t.iter() {
                find_table(Node::Item(item), &path.key(k), span, found);
            }
        }
        Node::Item(Item::ArrayOfTables(a)) => {
            for (i, t) in a.iter().enumerate() {
                find_table(Node::Table(t), &path.index(i), span, found);
            }
        }
        Node::Item(Item::Value(v)) | Node::Value(v) => match v {
            Value::InlineTable(t) => {
                if is_match(t.span()) {
                    *found = Some(path.clone());
                    return;
                }
                for (k, value) in t.iter() {
                    find_table(Node::Value(value), &path.key(k), span, found);
                }
            }
            Value::Array(a) => {
                for (i, value) in a.iter().enumerate() {
                    find_table(Node::Value(value), &path.index(i), span, found);
                }
            }
            _ => {}
        },
        Node::Item(Item::None) => {}
    }
}

#[cfg(test)]
mod table_at_tests {
    use super::*;

    #[test]
    fn finds_the_table_by_its_span() {
        let text = "name = \"a\"\n\n[[request]]\nname = \"r\"\n\n[[request]]\nname = \"s\"\n";
        let start = text.rfind("[[request]]").unwrap();
        let end = text.len() - 1;
        assert_eq!(table_at(text, start..end).to_string(), "request[1]");
        assert_eq!(table_at(text, 0..10).to_string(), "");
    }
}
