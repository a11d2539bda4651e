//! The tree builder's rules as the depth model applies them. Every rule errs
//! towards keeping elements open: the model may count more depth than
//! html5ever builds, never less. Each stack walk is bounded by the depth
//! budget, so a tag costs at most O(max_depth) here, as in html5ever.

use super::tags::{Tag, BREAKOUT, CLOSES_P, FORMATTING, INTEGRATION, MARKER, RAW, SCOPE, SPECIAL, VOID};
use super::{Cut, Fmt, Model, Open, Verdict, MAX_FORMATTING, MAX_FORMATTING_ATTRIBUTES, MAX_ROOT_TAGS};

/// Scopes of the HTML Standard: where a search for an element in scope stops.
#[derive(Clone, Copy)]
enum Scope {
    Default,
    Button,
    ListItem,
    Table,
}

fn is_one_of(tag: Tag, names: &[&str]) -> bool {
    names.contains(&tag.name())
}

impl Open {
    fn html(&self, name: &str) -> bool {
        !self.foreign && self.tag.name() == name
    }
    fn special(&self) -> bool {
        if self.foreign {
            self.integration()
        } else {
            self.tag.is(SPECIAL)
        }
    }
    /// An HTML integration point of its own namespace: MathML's text
    /// integration points (mi, mo, mn, ms, mtext, annotation-xml), SVG's
    /// foreignObject, desc and title. An "mi" inside SVG is not one.
    fn integration(&self) -> bool {
        const MATHML: &[&str] = &["mi", "mo", "mn", "ms", "mtext", "annotation-xml"];
        self.foreign && self.tag.is(INTEGRATION) && self.math == MATHML.contains(&self.tag.name())
    }
    fn ends_scope(&self, scope: Scope) -> bool {
        if self.foreign {
            return self.integration();
        }
        match scope {
            Scope::Table => is_one_of(self.tag, &["html", "table", "template"]),
            Scope::Default => self.tag.is(SCOPE),
            Scope::Button => self.tag.is(SCOPE) || self.tag.name() == "button",
            Scope::ListItem => self.tag.is(SCOPE) || is_one_of(self.tag, &["ol", "ul"]),
        }
    }
}

impl Model {
    pub(super) fn new(max_depth: usize) -> Model {
        Model {
            max_depth,
            stack: Vec::new(),
            fmt: Vec::new(),
            fmt_elements: 0,
            fmt_attrs: 0,
            floating: 0,
            next_id: 0,
            dropped: Vec::new(),
            selects: 0,
            templates: 0,
            form_open: false,
            root_tags: 0,
            frameset_ok: true,
            in_frameset: false,
        }
    }

    /// Upper bound on html5ever's stack depth (below html and body).
    fn depth(&self) -> usize {
        self.stack.len().saturating_add(self.floating)
    }

    /// True when tags are processed as SVG/MathML (raw-text names are not raw).
    pub(super) fn foreign_context(&self) -> bool {
        self.stack.last().is_some_and(|o| o.foreign && !o.integration())
    }

    fn top_is(&self, names: &[&str]) -> bool {
        self.stack.last().is_some_and(|o| !o.foreign && is_one_of(o.tag, names))
    }

    /// Position of the topmost HTML element named `name` in `scope`.
    fn in_scope(&self, name: &str, scope: Scope) -> Option<usize> {
        for (i, o) in self.stack.iter().enumerate().rev() {
            if o.html(name) {
                return Some(i);
            }
            if o.ends_scope(scope) {
                return None;
            }
        }
        None
    }

    /// Pushes unless the budget is spent; `false` means "drop the tag".
    fn push(&mut self, tag: Tag, foreign: bool, extra: usize) -> bool {
        if self.depth().saturating_add(extra) >= self.max_depth {
            return false;
        }
        if !foreign && tag.is(MARKER) {
            self.fmt.push(Fmt::Marker);
        }
        self.selects += usize::from(!foreign && tag.name() == "select");
        self.templates += usize::from(!foreign && tag.name() == "template");
        // a foreign element is in its parent's namespace, unless it opens one
        let math = match tag.name() {
            "math" => true,
            "svg" => false,
            _ => foreign && self.stack.last().is_some_and(|o| o.foreign && o.math),
        };
        self.stack.push(Open {
            tag,
            foreign,
            math,
            fmt_id: 0,
        });
        true
    }

    /// Pops elements until the stack has `len` entries.
    fn truncate(&mut self, len: usize) {
        while self.stack.len() > len {
            let Some(o) = self.stack.pop() else { break };
            self.popped(o);
        }
    }

    /// Bookkeeping for an element leaving the stack.
    fn popped(&mut self, o: Open) {
        if o.fmt_id != 0 {
            if let Some(Fmt::Element { in_stack, .. }) = self.fmt_entry(o.fmt_id) {
                *in_stack = false;
                self.floating += 1;
            }
        }
        if o.foreign {
            return;
        }
        if o.tag.is(MARKER) {
            self.clear_to_marker();
        }
        if o.tag.name() == "select" {
            self.selects = self.selects.saturating_sub(1);
        }
        if o.tag.name() == "template" {
            self.templates = self.templates.saturating_sub(1);
        }
    }

    fn fmt_entry(&mut self, id: u32) -> Option<&mut Fmt> {
        self.fmt
            .iter_mut()
            .rev()
            .find(|f| matches!(f, Fmt::Element { id: i, .. } if *i == id))
    }

    /// Cells, captions, templates and objects end: formatting opened inside goes.
    fn clear_to_marker(&mut self) {
        while let Some(f) = self.fmt.pop() {
            match f {
                Fmt::Marker => break,
                Fmt::Element { .. } => self.forget(f),
            }
        }
    }

    /// Counters for a formatting entry that left the list.
    fn forget(&mut self, f: Fmt) {
        if let Fmt::Element { in_stack, attrs, .. } = f {
            self.fmt_elements -= 1;
            self.fmt_attrs -= attrs;
            if !in_stack {
                self.floating -= 1;
            }
        }
    }

    /// Generic "pop until an HTML element named `name` has been popped".
    fn pop_to(&mut self, name: &str, scope: Scope) -> bool {
        match self.in_scope(name, scope) {
            Some(i) => {
                self.truncate(i);
                true
            }
            None => false,
        }
    }

    fn close_p(&mut self) {
        self.pop_to("p", Scope::Button);
    }

    /// A start tag. `attrs` is the number kept.
    /// `attrs` is the number of attributes kept and a hash of how they are written.
    pub(super) fn start(&mut self, tag: Tag, self_closing: bool, attrs: (usize, u64), font_attr: bool) -> Verdict {
        if let Some(v) = self.start_frameset(tag) {
            return v;
        }
        if self.foreign_context() {
            if !(tag.is(BREAKOUT) || tag.name() == "font" && font_attr) {
                let kept = self_closing || self.push(tag, true, 0);
                return self.keep_or_drop(kept, tag);
            }
            // Back out of SVG/MathML (`<body>` and `<head>` too), then treat
            // the tag as HTML.
            while self.foreign_context() {
                self.truncate(self.stack.len() - 1);
            }
        }
        if is_one_of(tag, &["html", "head", "body"]) {
            self.root_tags += 1;
            return if self.root_tags > MAX_ROOT_TAGS {
                Verdict::Drop(Cut::Cap)
            } else {
                Verdict::Keep
            };
        }
        if self.in_select() {
            return self.start_in_select(tag);
        }
        self.start_html(tag, self_closing, attrs)
    }

    /// Frameset documents: a `<frameset>` is accepted only before any content
    /// (else it is removed, as the tree builder would ignore it), and then
    /// only frameset, frame and noframes tags are processed.
    fn start_frameset(&mut self, tag: Tag) -> Option<Verdict> {
        const HEAD: &[&str] = &[
            "html", "head", "body", "base", "basefont", "bgsound", "link", "meta", "title", "style", "script",
            "noscript", "noframes", "frameset", "frame",
        ];
        if !is_one_of(tag, HEAD) {
            self.frameset_ok = false;
        }
        if self.in_frameset {
            return Some(match tag.name() {
                "frameset" => {
                    let kept = self.push(tag, false, 0);
                    self.keep_or_drop(kept, tag)
                }
                "noframes" => Verdict::RawText,
                _ => Verdict::Keep, // frame is void; the rest is ignored
            });
        }
        if tag.name() != "frameset" {
            return None;
        }
        if !self.frameset_ok || !self.stack.is_empty() {
            return Some(Verdict::Drop(Cut::Cap));
        }
        self.in_frameset = true;
        let kept = self.push(tag, false, 0);
        Some(self.keep_or_drop(kept, tag))
    }

    fn keep_or_drop(&mut self, kept: bool, tag: Tag) -> Verdict {
        if kept {
            Verdict::Keep
        } else {
            self.drop_tag(tag);
            Verdict::Drop(Cut::Depth)
        }
    }

    /// Remembers a removed start tag so that its end tag is removed too
    /// (run-length encoded: attacks repeat one tag).
    fn drop_tag(&mut self, tag: Tag) {
        match self.dropped.last_mut() {
            Some((last, n)) if *last == tag => *n = n.saturating_add(1),
            _ => self.dropped.push((tag, 1)),
        }
    }

    /// "In select" insertion mode: the select (or an option in it) is the
    /// nearest element that decides the mode.
    fn in_select(&self) -> bool {
        self.selects > 0
            && self
                .stack
                .iter()
                .rev()
                .find(|o| !o.foreign && !is_one_of(o.tag, &["option", "optgroup"]))
                .is_some_and(|o| o.html("select"))
    }

    /// The open select is inside a table (not a template): the tree
    /// builder's "in select in table" mode.
    fn select_in_table(&self) -> bool {
        self.stack
            .iter()
            .rev()
            .skip_while(|o| !o.html("select"))
            .skip(1)
            .find(|o| o.html("table") || o.html("template"))
            .is_some_and(|o| o.html("table"))
    }

    fn start_in_select(&mut self, tag: Tag) -> Verdict {
        let name = tag.name();
        match name {
            "option" | "optgroup" | "hr" => {
                if self.top_is(&["option"]) {
                    self.truncate(self.stack.len() - 1);
                }
                if name != "option" && self.top_is(&["optgroup"]) {
                    self.truncate(self.stack.len() - 1);
                }
                let kept = name == "hr" || self.push(tag, false, 0);
                self.keep_or_drop(kept, tag)
            }
            "select" => {
                self.pop_to("select", Scope::Table);
                Verdict::Keep
            }
            "input" | "keygen" | "textarea" => {
                self.pop_to("select", Scope::Table);
                self.start_html(tag, false, (0, 0))
            }
            // "In select in table": a table part ends the select and is
            // processed again in the table.
            "caption" | "table" | "tbody" | "tfoot" | "thead" | "tr" | "td" | "th" if self.select_in_table() => {
                self.pop_to("select", Scope::Table);
                self.start_html(tag, false, (0, 0))
            }
            "script" => Verdict::RawText,
            "template" => {
                let kept = self.push(tag, false, 0);
                self.keep_or_drop(kept, tag)
            }
            _ => Verdict::Keep, // ignored by the tree builder: no element
        }
    }

    fn start_html(&mut self, tag: Tag, self_closing: bool, attrs: (usize, u64)) -> Verdict {
        if tag.is(CLOSES_P) {
            self.close_p();
        }
        if tag.is(VOID) {
            return Verdict::Keep;
        }
        if tag.is(RAW) {
            return if tag.name() == "plaintext" {
                Verdict::Plaintext
            } else {
                Verdict::RawText
            };
        }
        if tag.is(FORMATTING) {
            return self.start_formatting(tag, attrs);
        }
        let implied: &[&str] = match tag.name() {
            "svg" | "math" => {
                let kept = self_closing || self.push(tag, true, 0);
                return self.keep_or_drop(kept, tag);
            }
            "li" => self.close_list_item(&["li"]),
            "dd" | "dt" => self.close_list_item(&["dd", "dt"]),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                if self.top_is(&["h1", "h2", "h3", "h4", "h5", "h6"]) {
                    self.truncate(self.stack.len() - 1);
                }
                &[]
            }
            "button" => {
                self.pop_to("button", Scope::Default);
                &[]
            }
            "form" if self.form_open && self.templates == 0 => return Verdict::Keep, // ignored
            "option" | "optgroup" => {
                if self.top_is(&["option"]) {
                    self.truncate(self.stack.len() - 1);
                }
                &[]
            }
            "caption" | "colgroup" | "tbody" | "thead" | "tfoot" | "tr" | "td" | "th" if !self.table_context() => {
                return Verdict::Keep; // ignored outside tables
            }
            "tr" => self.close_table_part(&["tr", "td", "th"], &[("table", &["tbody"])]),
            "td" | "th" => self.close_table_part(
                &["td", "th"],
                &[
                    ("table", &["tbody", "tr"]),
                    ("tbody", &["tr"]),
                    ("thead", &["tr"]),
                    ("tfoot", &["tr"]),
                ],
            ),
            "tbody" | "thead" | "tfoot" => self.close_table_part(&["tbody", "thead", "tfoot", "tr", "td", "th"], &[]),
            _ => &[],
        };
        if !self.push(tag, false, implied.len()) {
            return self.keep_or_drop(false, tag);
        }
        if !implied.is_empty() {
            // The implied tbody / tr sit below the new element.
            let top = self.stack.pop();
            self.stack.extend(implied.iter().map(|name| Open {
                tag: Tag::named(name),
                foreign: false,
                math: false,
                fmt_id: 0,
            }));
            self.stack.extend(top);
        }
        if tag.name() == "form" && self.templates == 0 {
            self.form_open = true;
        }
        Verdict::Keep
    }

    /// True when the insertion mode is one of the table modes: the nearest
    /// element that decides the mode is a table part (or a template).
    fn table_context(&self) -> bool {
        const TABLE_PARTS: &[&str] = &[
            "table", "tbody", "thead", "tfoot", "tr", "td", "th", "caption", "colgroup",
        ];
        self.stack
            .iter()
            .rev()
            .find(|o| !o.foreign && (is_one_of(o.tag, TABLE_PARTS) || is_one_of(o.tag, &["template", "select"])))
            .is_some_and(|o| !o.html("select"))
    }

    /// `<li>`, `<dd>`, `<dt>` close an open one unless a special element
    /// (other than address, div, p) is in between.
    fn close_list_item(&mut self, names: &[&str]) -> &'static [&'static str] {
        for i in (0..self.stack.len()).rev() {
            let o = self.stack[i];
            if !o.foreign && is_one_of(o.tag, names) {
                self.truncate(i);
                break;
            }
            if o.special() && !is_one_of(o.tag, &["address", "div", "p"]) {
                break;
            }
        }
        &[]
    }

    /// Table parts close the innermost open `names` inside the nearest table
    /// (or template); returns the parents (tbody, tr) the tree builder then
    /// inserts for the new element, by the element the stack ends at.
    fn close_table_part(
        &mut self,
        names: &[&str],
        implied: &[(&str, &'static [&'static str])],
    ) -> &'static [&'static str] {
        let mut lowest = None;
        for i in (0..self.stack.len()).rev() {
            let o = self.stack[i];
            if o.html("table") || o.html("template") {
                break;
            }
            if !o.foreign && is_one_of(o.tag, names) {
                lowest = Some(i);
            }
        }
        if let Some(i) = lowest {
            self.truncate(i);
        }
        let top = self.stack.last().filter(|o| !o.foreign).map_or("", |o| o.tag.name());
        implied
            .iter()
            .find(|(at, _)| *at == top)
            .map_or(&[], |(_, parents)| parents)
    }

    fn start_formatting(&mut self, tag: Tag, (attrs, same): (usize, u64)) -> Verdict {
        if tag.name() == "a" {
            if let Some(id) = self.active_after_marker(tag) {
                self.end_formatting(tag);
                self.remove_formatting(id);
            }
        }
        if tag.name() == "nobr" && self.in_scope("nobr", Scope::Default).is_some() {
            self.end_formatting(tag);
        }
        self.noahs_ark(tag, same);
        if self.fmt_elements >= MAX_FORMATTING || self.fmt_attrs.saturating_add(attrs) > MAX_FORMATTING_ATTRIBUTES {
            self.drop_tag(tag);
            return Verdict::Drop(Cut::Cap);
        }
        if !self.push(tag, false, 0) {
            return self.keep_or_drop(false, tag);
        }
        self.next_id = self.next_id.wrapping_add(1).max(1);
        let id = self.next_id;
        if let Some(top) = self.stack.last_mut() {
            top.fmt_id = id;
        }
        self.fmt.push(Fmt::Element {
            tag,
            id,
            in_stack: true,
            attrs,
            same,
        });
        self.fmt_elements += 1;
        self.fmt_attrs += attrs;
        Verdict::Keep
    }

    /// Noah's Ark: with three identical entries (tag and attributes as
    /// written) after the last marker, the earliest leaves the list (it stays
    /// on the stack, no longer reopenable).
    fn noahs_ark(&mut self, tag: Tag, same: u64) {
        let mut found = 0;
        for i in (0..self.fmt.len()).rev() {
            match self.fmt[i] {
                Fmt::Marker => return,
                Fmt::Element {
                    tag: ft, same: fs, id, ..
                } if ft == tag && fs == same => {
                    found += 1;
                    if found == 3 {
                        let f = self.fmt.remove(i);
                        self.forget(f);
                        if let Some(o) = self.stack.iter_mut().rev().find(|o| o.fmt_id == id) {
                            o.fmt_id = 0;
                        }
                        return;
                    }
                }
                Fmt::Element { .. } => {}
            }
        }
    }

    /// The id of the last active formatting element named `tag` after the last marker.
    fn active_after_marker(&self, tag: Tag) -> Option<u32> {
        for f in self.fmt.iter().rev() {
            match *f {
                Fmt::Marker => return None,
                Fmt::Element { tag: ft, id, .. } if ft == tag => return Some(id),
                Fmt::Element { .. } => {}
            }
        }
        None
    }

    /// Removes a formatting element from the list and, if there, the stack.
    fn remove_formatting(&mut self, id: u32) {
        if let Some(pos) = self
            .fmt
            .iter()
            .rposition(|f| matches!(f, Fmt::Element { id: i, .. } if *i == id))
        {
            let f = self.fmt.remove(pos);
            self.forget(f);
        }
        if let Some(pos) = self.stack.iter().rposition(|o| o.fmt_id == id) {
            self.stack.remove(pos);
        }
    }

    /// An end tag. `false` means "remove it" (its start tag was removed).
    pub(super) fn end(&mut self, tag: Tag) -> bool {
        if let Some((last, n)) = self.dropped.last_mut() {
            if *last == tag {
                *n -= 1;
                if *n == 0 {
                    self.dropped.pop();
                }
                return false;
            }
        }
        let name = tag.name();
        if !matches!(
            name,
            "head" | "html" | "noscript" | "title" | "style" | "script" | "template"
        ) {
            self.frameset_ok = false; // </br> is a <br>; others may open a body
        }
        if self.foreign_context() {
            if matches!(name, "p" | "br") {
                while self.foreign_context() {
                    self.truncate(self.stack.len() - 1);
                }
            } else if self.end_foreign(tag) {
                return true;
            }
        }
        if self.in_frameset || matches!(name, "html" | "head" | "body" | "br") {
            if name == "frameset" && self.top_is(&["frameset"]) {
                self.truncate(self.stack.len() - 1);
            }
            return true;
        }
        if self.in_select() {
            self.end_in_select(name);
            return true;
        }
        self.end_html(tag);
        true
    }

    /// SVG/MathML end tags match open foreign elements by name, down to the
    /// first HTML element.
    fn end_foreign(&mut self, tag: Tag) -> bool {
        for i in (0..self.stack.len()).rev() {
            let o = self.stack[i];
            if !o.foreign {
                return false;
            }
            if o.tag == tag {
                self.truncate(i);
                return true;
            }
        }
        false
    }

    fn end_in_select(&mut self, name: &str) {
        match name {
            "option" if self.top_is(&["option"]) => self.truncate(self.stack.len() - 1),
            "optgroup" => {
                let n = self.stack.len();
                if self.top_is(&["option"]) && n >= 2 && self.stack[n - 2].html("optgroup") {
                    self.truncate(n - 1);
                }
                if self.top_is(&["optgroup"]) {
                    self.truncate(self.stack.len() - 1);
                }
            }
            "select" => {
                self.pop_to("select", Scope::Table);
            }
            "template" => {
                self.pop_to("template", Scope::Table);
            }
            _ => {}
        }
    }

    fn end_html(&mut self, tag: Tag) {
        let name = tag.name();
        if tag.is(FORMATTING) {
            return self.end_formatting(tag);
        }
        match name {
            "p" => {
                self.close_p();
            }
            "li" => {
                self.pop_to("li", Scope::ListItem);
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => self.end_heading(),
            "form" => self.end_form(),
            "td" | "th" | "tr" | "tbody" | "thead" | "tfoot" | "table" | "caption" | "template" => {
                self.pop_to(name, Scope::Table);
            }
            _ if tag.is(SPECIAL) => {
                self.pop_to(name, Scope::Default);
            }
            _ => self.end_other(tag),
        }
    }

    fn end_heading(&mut self) {
        for i in (0..self.stack.len()).rev() {
            let o = self.stack[i];
            if is_one_of(o.tag, &["h1", "h2", "h3", "h4", "h5", "h6"]) && !o.foreign {
                return self.truncate(i);
            }
            if o.ends_scope(Scope::Default) {
                return;
            }
        }
    }

    /// `</form>` removes the form element only, wherever it is in scope.
    fn end_form(&mut self) {
        if self.templates > 0 {
            self.pop_to("form", Scope::Default);
            return;
        }
        self.form_open = false;
        if let Some(i) = self.in_scope("form", Scope::Default) {
            let o = self.stack.remove(i);
            self.popped(o);
        }
    }

    /// "Any other end tag": the nearest element with that name, unless a
    /// special element comes first.
    fn end_other(&mut self, tag: Tag) {
        for i in (0..self.stack.len()).rev() {
            let o = self.stack[i];
            if !o.foreign && o.tag == tag {
                return self.truncate(i);
            }
            if o.special() {
                return;
            }
        }
    }

    /// The adoption agency algorithm, reduced to its effect on depth.
    fn end_formatting(&mut self, tag: Tag) {
        let Some(id) = self.active_after_marker(tag) else {
            return self.end_other(tag);
        };
        let Some(pos) = self.stack.iter().rposition(|o| o.fmt_id == id) else {
            // Not open any more: only leaves the list.
            return self.remove_formatting(id);
        };
        let above = &self.stack[pos + 1..];
        if above.iter().any(|o| o.ends_scope(Scope::Default)) {
            return; // not in scope: the tree builder ignores the tag
        }
        if above.iter().any(Open::special) {
            // A furthest block exists: only the formatting element leaves.
            return self.remove_formatting(id);
        }
        self.truncate(pos + 1);
        self.remove_formatting(id);
    }
}
