use super::*;
use proptest::prelude::*;
use scraper::{Html, Node};

/// Depth of the deepest element below the document (html = 1, body = 2),
/// a stand-in for the depth of html5ever's stack of open elements. `</form>`
/// takes the form off that stack but leaves it in the tree as an ancestor of
/// what follows, so forms are not counted.
fn dom_depth(html: &str) -> usize {
    let doc = Html::parse_document(html);
    let mut max = 0;
    let mut stack = vec![(doc.tree.root(), 0usize)];
    while let Some((node, d)) = stack.pop() {
        max = max.max(d);
        for c in node.children() {
            if let Node::Element(e) = c.value() {
                stack.push((c, d + usize::from(e.name() != "form")));
            }
        }
    }
    max
}

fn element_count(html: &str) -> usize {
    let doc = Html::parse_document(html);
    doc.tree
        .nodes()
        .filter(|n| matches!(n.value(), Node::Element(_)))
        .count()
}

/// html and body sit above the budget, and a leaf (void or raw-text
/// element) below it.
const SLACK: usize = 3;

const HEAD: &str = r#"<!doctype html><html><head><title>Shop</title>
<meta charset="utf-8"><style>div > p { color: red }</style>
<script>if (a < b && c > d) { document.write("<div><div><div>"); }</script></head><body>"#;

const ORDINARY: &str = r#"<div class="nav"><ul><li><a href="/a">A<li><a href="/b">B<li>C</ul></div>
<p>one<p>two <b>bold <i>both</b> italic</i> <font color=red>red
<table><tr><td>1<td>2<tr><td>3<td>4</table>
<dl><dt>k<dd>v<dt>k2<dd>v2</dl>
<select><option>x<option>y<optgroup label=g><option>z</select>
<svg viewBox="0 0 10 10"><g><path d="M0 0"/></g><g><circle r="1"></circle></g></svg>
<!-- <div><div> commented out --><a title="a > b" href='/c'>c</a>
<textarea><div></textarea><form><input name=q></form>"#;

#[test]
fn ordinary_markup_is_not_copied() {
    // A long page with hundreds of unclosed li, p, td, option, font.
    let page = format!("{HEAD}{}</body></html>", ORDINARY.repeat(50));
    let b = bound(&page, 256);
    assert!(matches!(b.html, Cow::Borrowed(_)));
    assert!(!b.flattened && !b.trimmed);
}

#[test]
fn deep_nesting_is_flattened_and_its_end_tags_dropped() {
    let html = format!(
        "{}deep{}<p id=after>after</p>",
        "<div>".repeat(300),
        "</div>".repeat(300)
    );
    let b = bound(&html, 256);
    assert!(b.flattened);
    assert_eq!(b.html.matches("<div>").count(), 256);
    assert_eq!(b.html.matches("</div>").count(), 256);
    assert!(b.html.contains("deep"));
    let doc = Html::parse_document(&b.html);
    let p = doc.select(&scraper::Selector::parse("#after").unwrap()).next().unwrap();
    let parent = p.parent().and_then(scraper::ElementRef::wrap).unwrap();
    assert_eq!(
        parent.value().name(),
        "body",
        "the dropped end tags did not close kept divs"
    );
}

#[test]
fn adversarial_nesting_stays_within_the_budget() {
    let cases = [
        "<div>x".repeat(2000),
        "<b id=1>x".repeat(2000),
        "<table><tr><td>x".repeat(2000),
        "<b><div>x</b>".repeat(2000),
        "<b><i>x</b>y</i>".repeat(2000),
        "<a href=x><div>".repeat(2000),
        "<svg><g>".repeat(2000),
        "<frameset>".repeat(2000),
        "<optgroup>".repeat(2000),
        "<select><style></select><div>x".repeat(2000),
        "<p><table>".repeat(2000),
        "<ruby><rt>".repeat(2000),
        "<li><ul>".repeat(2000),
        "<template><div>".repeat(2000),
        "<object><span>".repeat(2000),
        "<math><mi><div>".repeat(2000),
    ];
    for html in &cases {
        let b = bound(html, 64);
        let depth = dom_depth(&b.html);
        assert!(depth <= 64 + SLACK, "{}: depth {depth}", &html[..30]);
        assert!(b.flattened || depth <= 64, "{}", &html[..30]);
    }
}

#[test]
fn reopened_formatting_elements_are_bounded() {
    // Each text run after </div> reopens every formatting element still
    // active: 2,000 of them × 2,000 runs was 4 million elements.
    let html = format!(
        "<div>{}</div>{}",
        (0..2000).map(|i| format!("<b id={i}>")).collect::<String>(),
        "<div>x</div>".repeat(2000)
    );
    let b = bound(&html, 256);
    assert!(b.trimmed);
    let n = element_count(&b.html);
    assert!(n <= 2000 * (MAX_FORMATTING + 2), "{n} elements");
}

#[test]
fn attributes_beyond_the_cap_are_cut() {
    let attrs: String = (0..100).map(|i| format!(" a{i}=\"x>{i}\"")).collect();
    let html = format!("<div{attrs}>text</div><p>after");
    let b = bound(&html, 256);
    assert!(b.trimmed && !b.flattened);
    let doc = Html::parse_document(&b.html);
    let div = doc.select(&scraper::Selector::parse("div").unwrap()).next().unwrap();
    assert_eq!(div.value().attrs().count(), MAX_ATTRIBUTES);
    assert_eq!(div.text().collect::<String>(), "text");
    assert!(b.html.contains("<p>after"));
}

#[test]
fn raw_text_comments_and_quotes_hide_no_tags_from_the_model() {
    let inner = "<div>".repeat(100);
    for (html, flattened) in [
        (format!("<script>{inner}</script>"), false),
        (format!("<!-- {inner} -->"), false),
        (format!("<div title='{inner}'></div>"), false),
        (format!("<!-->{inner}"), true),  // an empty comment, then real tags
        (format!("<!--->{inner}"), true), // likewise
        (format!("<!-- --!>{inner}"), true),
        (format!("<script>x</script >{inner}"), true),
        (format!("<svg><style>{inner}"), true), // not raw text in SVG
        (format!("<svg><![CDATA[</svg>]]>{inner}"), true),
        (format!("<xmp>{inner}</xmp>"), false),
        (format!("<select><style>{inner}"), false), // ignored in select, and so are the divs
    ] {
        let b = bound(&html, 50);
        assert_eq!(b.flattened, flattened, "{}", &html[..20]);
    }
}

#[test]
fn cdata_in_svg_does_not_close_elements() {
    // "</g>" inside CDATA is text: the model must not pop for it.
    let html = format!(
        "<svg>{}<![CDATA[{}]]>{}",
        "<g>".repeat(40),
        "</g>".repeat(40),
        "<g>".repeat(40)
    );
    assert!(bound(&html, 60).flattened);
    assert!(dom_depth(&bound(&html, 60).html) <= 60 + SLACK);
}

#[test]
fn tags_cut_by_end_of_input() {
    for html in [
        "<div",
        "<div a=\"x",
        "<div a='",
        "</div",
        "<!--",
        "<!-- -",
        "<?x",
        "<",
        "</",
        "<script>",
        "<a b=c d",
    ] {
        let b = bound(html, 4);
        assert_eq!(b.html, html);
    }
}

/// Pieces of markup, chosen to reach the tree builder's special cases.
fn token() -> impl Strategy<Value = String> {
    const NAMES: &[&str] = &[
        "div",
        "span",
        "b",
        "i",
        "a",
        "p",
        "li",
        "ul",
        "dd",
        "dt",
        "table",
        "tbody",
        "tr",
        "td",
        "th",
        "caption",
        "colgroup",
        "select",
        "option",
        "optgroup",
        "svg",
        "g",
        "math",
        "mi",
        "mtext",
        "annotation-xml",
        "foreignObject",
        "desc",
        "title",
        "script",
        "style",
        "textarea",
        "noscript",
        "template",
        "form",
        "button",
        "h1",
        "h2",
        "nobr",
        "font",
        "object",
        "applet",
        "marquee",
        "ruby",
        "rt",
        "rb",
        "frameset",
        "html",
        "body",
        "head",
        "br",
        "img",
        "input",
        "hr",
        "xmp",
        "iframe",
        "x-y",
        "section",
        "em",
        "u",
    ];
    prop_oneof![
        4 => (0..NAMES.len(), any::<bool>(), any::<bool>()).prop_map(|(i, attr, sc)| {
            format!(
                "<{}{}{}>",
                NAMES[i],
                if attr { " color=red id=\"a>b\"" } else { "" },
                if sc { "/" } else { "" }
            )
        }),
        3 => (0..NAMES.len()).prop_map(|i| format!("</{}>", NAMES[i])),
        2 => "[a-z ]{1,4}".prop_map(|s| s),
        1 => prop_oneof![
            Just("<!-- <div> -->".to_string()),
            Just("<!-->".to_string()),
            Just("<![CDATA[</g><div>]]>".to_string()),
            Just("</br>".to_string()),
            Just("</p>".to_string()),
        ],
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// The model bounds html5ever: whatever the markup, the tree stays within
    /// the budget, and reopening cannot multiply elements. The tree is only a
    /// stand-in for the stack of open elements: an `<a>` or formatting
    /// element taken off the middle of the stack stays an ancestor in the
    /// tree, so the tree may be deeper than the stack; hence the factor 2.
    #[test]
    fn html5ever_depth_never_exceeds_the_budget(
        tokens in prop::collection::vec(token(), 0..300),
        max_depth in 1usize..12,
    ) {
        let html: String = tokens.concat();
        let b = bound(&html, max_depth);
        let depth = dom_depth(&b.html);
        prop_assert!(depth <= 2 * max_depth + SLACK, "depth {} > {} for {:?}", depth, max_depth, html);
        let tags = html.matches('<').count();
        prop_assert!(element_count(&b.html) <= (tags + 4) * (MAX_FORMATTING + 2));
        if !b.flattened && !b.trimmed {
            prop_assert!(matches!(b.html, Cow::Borrowed(_)));
        }
    }
}

#[test]
fn past_the_element_cap_the_page_is_text() {
    let html = format!(
        "<body>{}<p>tail words</p></body>",
        "<p>x</p>".repeat(MAX_ELEMENTS + 1000)
    );
    let b = bound(&html, 256);
    assert!(b.trimmed);
    let n = element_count(&b.html);
    // html, head, body and the kept start tags; none past the cap.
    assert!(n <= MAX_ELEMENTS + 3, "{n} elements");
    assert!(b.html.contains("tail words"), "the text stays");
    let small = "<body><p>a</p><p>b</p></body>";
    assert!(!bound(small, 256).trimmed);
}

#[test]
fn body_inside_svg_leaves_foreign_content() {
    // `<body>` breaks out of SVG like `<div>` does: the `<textarea>` after it
    // is HTML (its content is text) and the CDATA is a bogus comment.
    let html = "<svg><body><textarea><mi><title></textarea><div><font><mi><mi><div><button><option>\
                <![CDATA[</g><div>]]><div><select>";
    let b = bound(html, 3);
    let depth = dom_depth(&b.html);
    assert!(depth <= 2 * 3 + SLACK, "depth {depth} for {:?}", b.html);
}

#[test]
fn a_table_part_ends_a_select_inside_a_table() {
    // "In select in table": each `<td>` leaves the select and opens
    // tbody, tr and td in the table; the model counts them.
    let html = format!("<table>{}", "<select><td><div><table>".repeat(40));
    let b = bound(&html, 7);
    assert!(b.flattened);
    let depth = dom_depth(&b.html);
    assert!(depth <= 2 * 7 + SLACK, "depth {depth}");
}

#[test]
fn integration_points_belong_to_their_namespace() {
    // "mi" inside SVG is an ordinary SVG element, not MathML's integration
    // point, so the "title" after it is SVG's title (an integration point
    // whose children are HTML elements), not HTML's raw-text title.
    let html = "<svg><mi><title><div><option><div><mi><div><button><option><mi><option><h1><option><div><select>";
    let b = bound(html, 2);
    let depth = dom_depth(&b.html);
    assert!(depth <= 2 * 2 + SLACK, "depth {depth} for {:?}", b.html);
    let deep = format!("<svg><mi><title>{}", "<div>".repeat(200));
    let b = bound(&deep, 16);
    assert!(b.flattened && dom_depth(&b.html) <= 2 * 16 + SLACK);
}
