//! The variables Liquid sees in a post or page: `site` and `page` (and nothing else at the top),
//! looked up as Jekyll's Liquid looks them up.
//!
//! - A name that is not there is nil at any depth: `{{ site.nope.deeper }}`,
//!   `{{ page.previous.title }}` and `{{ paginator.page }}` print nothing, as in Jekyll (the
//!   `liquid` crate alone stops the build at them). Below a value that does exist
//!   (`site.author.nope`) the crate's strict lookup applies.
//! - `site.tags` and `site.categories` iterate in a fixed order (each name where it first
//!   appears, oldest post first, as Jekyll's hash does), so a tag cloud renders the same bytes on
//!   every build: the crate's own objects are hash maps whose order changes from run to run.
//!   `site.tags.ruby` and `site.tags[name]` look a name up as in Jekyll.

use std::fmt;

use liquid_core::model::{DisplayCow, KString, KStringCow, State};
use liquid_core::{ObjectView, Value, ValueView};

/// Liquid's `site`: every other key in `obj`, and the two name -> posts maps.
#[derive(Debug, Default)]
pub struct SiteVars {
    /// `_config.yml`'s keys, `url`, `baseurl`, `time`, `posts`, `pages`, `static_files`, ….
    pub obj: liquid::Object,
    /// `site.tags`: tag -> the posts that carry it.
    pub tags: Pairs,
    /// `site.categories`: category -> its posts.
    pub categories: Pairs,
}

/// A map that keeps its order: names in the order given, each with a value.
#[derive(Debug, Default, Clone)]
pub struct Pairs(pub Vec<(KString, Value)>);

/// Nil that stays nil at any depth (`site.nope.deeper`).
#[derive(Debug)]
struct LaxNil;

static LAX_NIL: LaxNil = LaxNil;

/// The top of the variables: `site`, `page`, and nil for any other name.
#[derive(Debug)]
pub struct Globals<'a> {
    site: Site<'a>,
    page: Lax<'a>,
}

impl<'a> Globals<'a> {
    /// The variables of one render.
    pub fn new(site: &'a SiteVars, page: &'a liquid::Object) -> Self {
        Self {
            site: Site(site),
            page: Lax(page),
        }
    }
}

/// `site`: lax, with the ordered maps.
#[derive(Debug)]
struct Site<'a>(&'a SiteVars);

/// An object whose missing keys are nil at any depth.
#[derive(Debug)]
struct Lax<'a>(&'a liquid::Object);

/// The parts of `ValueView` every object here shares.
macro_rules! object_view {
    ($t:ty, $name:literal) => {
        impl ValueView for $t {
            fn as_debug(&self) -> &dyn fmt::Debug {
                self
            }
            fn render(&self) -> DisplayCow<'_> {
                DisplayCow::Owned(Box::new(String::new()))
            }
            fn source(&self) -> DisplayCow<'_> {
                DisplayCow::Owned(Box::new($name))
            }
            fn type_name(&self) -> &'static str {
                "object"
            }
            fn query_state(&self, state: State) -> bool {
                matches!(state, State::Truthy)
            }
            fn to_kstr(&self) -> KStringCow<'_> {
                KStringCow::from_static("")
            }
            fn to_value(&self) -> Value {
                Value::Object(
                    self.iter()
                        .map(|(k, v)| (k.into_owned(), v.to_value()))
                        .collect(),
                )
            }
            fn as_object(&self) -> Option<&dyn ObjectView> {
                Some(self)
            }
        }
    };
}

object_view!(Globals<'_>, "globals");
object_view!(Site<'_>, "site");
object_view!(Lax<'_>, "page");

impl ObjectView for Globals<'_> {
    fn as_value(&self) -> &dyn ValueView {
        self
    }
    fn size(&self) -> i64 {
        2
    }
    fn keys<'k>(&'k self) -> Box<dyn Iterator<Item = KStringCow<'k>> + 'k> {
        Box::new(["site", "page"].into_iter().map(KStringCow::from_static))
    }
    fn values<'k>(&'k self) -> Box<dyn Iterator<Item = &'k dyn ValueView> + 'k> {
        Box::new([&self.site as &dyn ValueView, &self.page].into_iter())
    }
    fn iter<'k>(&'k self) -> Box<dyn Iterator<Item = (KStringCow<'k>, &'k dyn ValueView)> + 'k> {
        Box::new(self.keys().zip(self.values()))
    }
    fn contains_key(&self, _index: &str) -> bool {
        true
    }
    fn get<'s>(&'s self, index: &str) -> Option<&'s dyn ValueView> {
        Some(match index {
            "site" => &self.site,
            "page" => &self.page,
            _ => &LAX_NIL,
        })
    }
}

impl ObjectView for Site<'_> {
    fn as_value(&self) -> &dyn ValueView {
        self
    }
    fn size(&self) -> i64 {
        ObjectView::size(&self.0.obj) + 2
    }
    fn keys<'k>(&'k self) -> Box<dyn Iterator<Item = KStringCow<'k>> + 'k> {
        Box::new(
            ObjectView::keys(&self.0.obj).chain(
                ["tags", "categories"]
                    .into_iter()
                    .map(KStringCow::from_static),
            ),
        )
    }
    fn values<'k>(&'k self) -> Box<dyn Iterator<Item = &'k dyn ValueView> + 'k> {
        Box::new(
            ObjectView::values(&self.0.obj)
                .chain([&self.0.tags as &dyn ValueView, &self.0.categories]),
        )
    }
    fn iter<'k>(&'k self) -> Box<dyn Iterator<Item = (KStringCow<'k>, &'k dyn ValueView)> + 'k> {
        Box::new(self.keys().zip(self.values()))
    }
    fn contains_key(&self, _index: &str) -> bool {
        true
    }
    fn get<'s>(&'s self, index: &str) -> Option<&'s dyn ValueView> {
        Some(match index {
            "tags" => &self.0.tags,
            "categories" => &self.0.categories,
            _ => ObjectView::get(&self.0.obj, index).unwrap_or(&LAX_NIL),
        })
    }
}

impl ObjectView for Lax<'_> {
    fn as_value(&self) -> &dyn ValueView {
        self
    }
    fn size(&self) -> i64 {
        ObjectView::size(self.0)
    }
    fn keys<'k>(&'k self) -> Box<dyn Iterator<Item = KStringCow<'k>> + 'k> {
        ObjectView::keys(self.0)
    }
    fn values<'k>(&'k self) -> Box<dyn Iterator<Item = &'k dyn ValueView> + 'k> {
        ObjectView::values(self.0)
    }
    fn iter<'k>(&'k self) -> Box<dyn Iterator<Item = (KStringCow<'k>, &'k dyn ValueView)> + 'k> {
        ObjectView::iter(self.0)
    }
    fn contains_key(&self, _index: &str) -> bool {
        true
    }
    fn get<'s>(&'s self, index: &str) -> Option<&'s dyn ValueView> {
        Some(ObjectView::get(self.0, index).unwrap_or(&LAX_NIL))
    }
}

impl ValueView for LaxNil {
    fn as_debug(&self) -> &dyn fmt::Debug {
        self
    }
    fn render(&self) -> DisplayCow<'_> {
        DisplayCow::Owned(Box::new(String::new()))
    }
    fn source(&self) -> DisplayCow<'_> {
        DisplayCow::Owned(Box::new("nil"))
    }
    fn type_name(&self) -> &'static str {
        "nil"
    }
    fn query_state(&self, state: State) -> bool {
        !matches!(state, State::Truthy)
    }
    fn to_kstr(&self) -> KStringCow<'_> {
        KStringCow::from_static("")
    }
    fn to_value(&self) -> Value {
        Value::Nil
    }
    fn as_object(&self) -> Option<&dyn ObjectView> {
        Some(self)
    }
    fn is_nil(&self) -> bool {
        true
    }
}

impl ObjectView for LaxNil {
    fn as_value(&self) -> &dyn ValueView {
        self
    }
    fn size(&self) -> i64 {
        0
    }
    fn keys<'k>(&'k self) -> Box<dyn Iterator<Item = KStringCow<'k>> + 'k> {
        Box::new(std::iter::empty())
    }
    fn values<'k>(&'k self) -> Box<dyn Iterator<Item = &'k dyn ValueView> + 'k> {
        Box::new(std::iter::empty())
    }
    fn iter<'k>(&'k self) -> Box<dyn Iterator<Item = (KStringCow<'k>, &'k dyn ValueView)> + 'k> {
        Box::new(std::iter::empty())
    }
    fn contains_key(&self, _index: &str) -> bool {
        true
    }
    fn get<'s>(&'s self, _index: &str) -> Option<&'s dyn ValueView> {
        Some(&LAX_NIL)
    }
}

/// An ordered map reads as Jekyll's hash: a name looks its value up; as a whole (a `for`
/// loop, `size`) it is the list of `[name, value]` pairs in order.
impl ValueView for Pairs {
    fn as_debug(&self) -> &dyn fmt::Debug {
        self
    }
    fn render(&self) -> DisplayCow<'_> {
        DisplayCow::Owned(Box::new(String::new()))
    }
    fn source(&self) -> DisplayCow<'_> {
        DisplayCow::Owned(Box::new("map"))
    }
    fn type_name(&self) -> &'static str {
        "array"
    }
    fn query_state(&self, state: State) -> bool {
        match state {
            State::Truthy => true,
            State::DefaultValue | State::Empty | State::Blank => self.0.is_empty(),
        }
    }
    fn to_kstr(&self) -> KStringCow<'_> {
        KStringCow::from_static("")
    }
    fn to_value(&self) -> Value {
        Value::Array(
            self.0
                .iter()
                .map(|(k, v)| Value::Array(vec![Value::scalar(k.clone()), v.clone()]))
                .collect(),
        )
    }
    fn as_object(&self) -> Option<&dyn ObjectView> {
        Some(self)
    }
}

impl ObjectView for Pairs {
    fn as_value(&self) -> &dyn ValueView {
        self
    }
    fn size(&self) -> i64 {
        i64::try_from(self.0.len()).unwrap_or(i64::MAX)
    }
    fn keys<'k>(&'k self) -> Box<dyn Iterator<Item = KStringCow<'k>> + 'k> {
        Box::new(self.0.iter().map(|(k, _)| KStringCow::from(k.as_ref())))
    }
    fn values<'k>(&'k self) -> Box<dyn Iterator<Item = &'k dyn ValueView> + 'k> {
        Box::new(self.0.iter().map(|(_, v)| v as &dyn ValueView))
    }
    fn iter<'k>(&'k self) -> Box<dyn Iterator<Item = (KStringCow<'k>, &'k dyn ValueView)> + 'k> {
        Box::new(
            self.0
                .iter()
                .map(|(k, v)| (KStringCow::from(k.as_ref()), v as &dyn ValueView)),
        )
    }
    fn contains_key(&self, index: &str) -> bool {
        self.0.iter().any(|(k, _)| k.as_str() == index)
    }
    fn get<'s>(&'s self, index: &str) -> Option<&'s dyn ValueView> {
        Some(
            self.0
                .iter()
                .find(|(k, _)| k.as_str() == index)
                .map_or(&LAX_NIL as &dyn ValueView, |(_, v)| v as &dyn ValueView),
        )
    }
}
