//! Writes the same corpus as an equivalent Hugo site, and finds the `hugo` binary.
//!
//! Page for page: paper pages (`/papers/<slug>/`), a home paginated by 20 and grouped by day,
//! day pages (taxonomy `days`), month pages (taxonomy `months`, a compact list grouped by day),
//! an archive (the `days` taxonomy list, every day with its count), all tags with counts, tag
//! pages paginated by 20, a site feed and one feed per tag (20 entries, full content, like
//! digest's Atom feeds), `sitemap.xml`, `robots.txt` and `404.html`. The templates show what
//! digest's default theme shows (title, authors, date, upvotes, tags, links, a 280-character
//! summary on lists). Differences that remain: Hugo writes no previous/next links on day and
//! month pages, does not convert math to MathML, and writes one extra small page (`/months/`).

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use crate::corpus::{Paper, toml_array, toml_str};

/// `hugo version`, parsed; `None` when Hugo is not installed or does not run.
pub fn version() -> Option<(String, (u32, u32))> {
    let out = Command::new("hugo").arg("version").output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
    // "hugo v0.111.3+extended linux/amd64 BuildDate=…"
    let v = text.split_whitespace().find_map(|w| w.strip_prefix('v'))?;
    let mut parts = v.split(|c: char| !c.is_ascii_digit());
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((text, (major, minor)))
}

/// `hugo.toml`, in the dialect of the installed version (pagination and feed limits moved in
/// Hugo 0.128 and 0.114).
pub fn config(papers: usize, version: (u32, u32)) -> String {
    let mut s = format!(
        "baseURL = \"https://example.github.io/digest/\"\n\
         languageCode = \"en\"\n\
         title = \"Scale benchmark\"\n\
         buildFuture = true\n\
         enableRobotsTXT = true\n\
         disableKinds = [\"section\"]\n\
         [params]\n\
         description = \"A generated digest of {papers} papers.\"\n\
         [taxonomies]\n\
         tag = \"tags\"\n\
         day = \"days\"\n\
         month = \"months\"\n\
         [outputs]\n\
         home = [\"HTML\", \"RSS\"]\n\
         page = [\"HTML\"]\n\
         taxonomy = [\"HTML\"]\n\
         term = [\"HTML\"]\n"
    );
    if version >= (0, 128) {
        s.push_str("[pagination]\npagerSize = 20\n");
    } else {
        s.insert_str(0, "paginate = 20\n");
    }
    if version >= (0, 114) {
        s.push_str("[services.rss]\nlimit = 20\n");
    } else {
        s.insert_str(0, "rssLimit = 20\n");
    }
    s
}

/// The content file of one paper (`content/papers/<slug>.md`).
pub fn page(p: &Paper) -> String {
    let mut s = String::with_capacity(p.body.len() + 512);
    let _ = writeln!(s, "+++");
    let _ = writeln!(s, "title = {}", toml_str(&p.title));
    let _ = writeln!(s, "date = {}", p.date.iso());
    let _ = writeln!(s, "authors = {}", toml_array(&p.authors));
    let _ = writeln!(s, "tags = {}", toml_array(&p.all_tags()));
    let _ = writeln!(s, "days = [\"{}\"]", p.date.iso());
    let _ = writeln!(s, "months = [\"{:04}-{:02}\"]", p.date.year, p.date.month);
    if let Some(u) = p.upvotes {
        let _ = writeln!(s, "upvotes = {u}");
    }
    let _ = writeln!(s, "arxiv = {}", toml_str(&p.arxiv));
    let links: Vec<String> = [("code", &p.code), ("project", &p.project)]
        .into_iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k} = {}", toml_str(v))))
        .collect();
    if !links.is_empty() {
        let _ = writeln!(s, "links = {{ {} }}", links.join(", "));
    }
    let _ = writeln!(s, "+++");
    s.push_str(&p.body);
    s
}

pub fn write_page(root: &Path, p: &Paper) -> std::io::Result<()> {
    std::fs::write(
        root.join("content/papers").join(format!("{}.md", p.slug)),
        page(p),
    )
}

/// Layouts, static files and the per-tag `_index.md` files that switch on tag feeds.
pub fn write_site(root: &Path, tags: &[String], theme_static: &Path) -> std::io::Result<()> {
    for (path, text) in LAYOUTS {
        let path = root.join("layouts").join(path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, text)?;
    }
    for tag in tags {
        let dir = root.join("content/tags").join(tag);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(
            dir.join("_index.md"),
            format!(
                "+++\ntitle = {}\noutputs = [\"HTML\", \"RSS\"]\n+++\n",
                toml_str(tag)
            ),
        )?;
    }
    let static_dir = root.join("static");
    std::fs::create_dir_all(&static_dir)?;
    for name in ["style.css", "syntax.css", "favicon.svg"] {
        let from = theme_static.join(name);
        if from.exists() {
            std::fs::copy(from, static_dir.join(name))?;
        }
    }
    Ok(())
}

pub fn write_config(root: &Path, papers: usize, version: (u32, u32)) -> std::io::Result<()> {
    std::fs::create_dir_all(root.join("content/papers"))?;
    std::fs::write(root.join("hugo.toml"), config(papers, version))
}

const BASEOF: &str = r##"<!doctype html>
<html lang="{{ site.LanguageCode }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ block "title" . }}{{ site.Title }}{{ end }}</title>
<meta name="description" content="{{ block "description" . }}{{ site.Params.description }}{{ end }}">
<meta name="generator" content="Hugo">
<meta name="color-scheme" content="light dark">
<link rel="canonical" href="{{ .Permalink }}">
<link rel="icon" href="{{ "favicon.svg" | absURL }}" type="image/svg+xml">
<link rel="stylesheet" href="{{ "style.css" | absURL }}">
<link rel="stylesheet" href="{{ "syntax.css" | absURL }}">
<link rel="alternate" type="application/rss+xml" title="{{ site.Title }}" href="{{ "index.xml" | absURL }}">
{{ block "head" . }}{{ end }}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site-header">
  <div class="wrap">
    <a class="site-title" href="{{ site.BaseURL }}">{{ site.Title }}</a>
    <nav aria-label="Site">
      <ul>
        <li><a href="{{ site.BaseURL }}">Latest</a></li>
        <li><a href="{{ "days/" | absURL }}">Archive</a></li>
        <li><a href="{{ "tags/" | absURL }}">Tags</a></li>
        <li><a href="{{ "index.xml" | absURL }}">Feed</a></li>
      </ul>
    </nav>
  </div>
</header>
<main id="main" class="wrap">
{{ block "main" . }}{{ end }}
</main>
<footer class="site-footer">
  <div class="wrap">
    <p>{{ site.Title }} · {{ site.Params.description }}</p>
    <p><a href="{{ "index.xml" | absURL }}">RSS feed</a> · <a href="{{ "sitemap.xml" | absURL }}">Sitemap</a> · Made with Hugo</p>
  </div>
</footer>
</body>
</html>
"##;

const AUTHORS: &str = r##"{{- $a := . -}}{{- $n := len $a -}}
{{- if gt $n 5 -}}{{ delimit (first 3 $a) ", " }} et al. ({{ $n }} authors){{- else -}}{{ delimit $a ", " }}{{- end -}}"##;

const CARD: &str = r##"<article class="card">
  <h3 class="card-title"><a href="{{ .Permalink }}">{{ .Title }}</a></h3>
  <p class="meta">
    {{ with .Params.authors }}<span class="authors">{{ partial "authors.html" . }}</span>{{ end }}
    <a href="{{ printf "days/%s/" (.Date.Format "2006-01-02") | absURL }}"><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "January 2, 2006" }}</time></a>
    {{ with .Params.upvotes }}<span class="upvotes"><span aria-hidden="true">▲</span> {{ . }}<span class="vh"> upvotes</span></span>{{ end }}
  </p>
  <p class="summary">{{ .Plain | truncate 280 }}</p>
  <div class="chips">
    {{- with .Params.links }}<ul class="links" aria-label="Links">{{ with .code }}<li><a class="link" href="{{ . }}" rel="noopener">code</a></li>{{ end }}{{ with .project }}<li><a class="link" href="{{ . }}" rel="noopener">project</a></li>{{ end }}</ul>{{ end -}}
    {{- with .Params.tags }}<ul class="tags" aria-label="Tags">{{ range . }}<li><a class="tag" href="{{ printf "tags/%s/" (urlize .) | absURL }}">{{ . }}</a></li>{{ end }}</ul>{{ end -}}
  </div>
</article>
"##;

const PAGER: &str = r##"{{ if gt .TotalPages 1 }}
<nav class="pager" aria-label="Pages">
  {{ if .HasPrev }}<a class="prev" rel="prev" href="{{ .Prev.URL }}"><span aria-hidden="true">← </span>Newer</a>{{ else }}<span></span>{{ end }}
  <span class="where">Page {{ .PageNumber }} of {{ .TotalPages }}</span>
  {{ if .HasNext }}<a class="next" rel="next" href="{{ .Next.URL }}">Older<span aria-hidden="true"> →</span></a>{{ else }}<span></span>{{ end }}
</nav>
{{ end }}"##;

const HOME: &str = r##"{{ define "title" }}{{ if gt .Paginator.PageNumber 1 }}Page {{ .Paginator.PageNumber }} · {{ end }}{{ site.Title }}{{ end }}
{{ define "main" }}
{{ $pager := .Paginate site.RegularPages }}
{{ if eq $pager.PageNumber 1 }}
<header class="intro">
  <h1>{{ site.Title }}</h1>
  <p class="lead">{{ site.Params.description }}</p>
  <p class="muted">{{ len site.RegularPages }} papers · <a href="{{ "days/" | absURL }}">browse by day</a> · <a href="{{ "tags/" | absURL }}">by tag</a></p>
</header>
{{ else }}
<header class="list-header"><h1>Latest papers <span class="count">page {{ $pager.PageNumber }} of {{ $pager.TotalPages }}</span></h1></header>
{{ end }}
{{ range $pager.Pages.GroupByDate "2006-01-02" }}
<section class="day-group" aria-labelledby="d{{ .Key }}">
  <h2 class="day-heading" id="d{{ .Key }}"><a href="{{ printf "days/%s/" .Key | absURL }}"><time datetime="{{ .Key }}">{{ (index .Pages 0).Date.Format "January 2, 2006" }}</time></a> <span class="count">{{ len (index site.Taxonomies.days .Key) }} papers</span></h2>
  {{ range .Pages }}{{ partial "card.html" . }}{{ end }}
</section>
{{ end }}
{{ partial "pager.html" $pager }}
{{ end }}
"##;

const SINGLE: &str = r##"{{ define "title" }}{{ .Title }} · {{ site.Title }}{{ end }}
{{ define "description" }}{{ .Plain | truncate 280 }}{{ end }}
{{ define "main" }}
{{ $day := .Date.Format "2006-01-02" }}
<article class="paper">
  <header>
    <p class="crumbs"><a href="{{ printf "days/%s/" $day | absURL }}">Papers of <time datetime="{{ $day }}">{{ .Date.Format "January 2, 2006" }}</time></a></p>
    <h1>{{ .Title }}</h1>
    {{ with .Params.authors }}<p class="authors">{{ delimit . ", " }}</p>{{ end }}
    <p class="meta">
      <time datetime="{{ $day }}">{{ .Date.Format "January 2, 2006" }}</time>
      {{ with .Params.upvotes }}<span class="upvotes"><span aria-hidden="true">▲</span> {{ . }} upvotes</span>{{ end }}
      {{ with .Params.arxiv }}<span>arXiv:{{ . }}</span>{{ end }}
    </p>
    <ul class="links actions" aria-label="Links">{{ with .Params.arxiv }}<li><a class="link" href="https://arxiv.org/abs/{{ . }}" rel="noopener">arXiv</a></li><li><a class="link" href="https://arxiv.org/pdf/{{ . }}" rel="noopener">PDF</a></li>{{ end }}{{ with .Params.links }}{{ with .code }}<li><a class="link" href="{{ . }}" rel="noopener">code</a></li>{{ end }}{{ with .project }}<li><a class="link" href="{{ . }}" rel="noopener">project</a></li>{{ end }}{{ end }}</ul>
  </header>
  <section class="abstract" aria-labelledby="abstract">
    <h2 class="label" id="abstract">Abstract</h2>
    {{ .Content }}
  </section>
  {{ with .Params.tags }}
  <footer>
    <h2 class="label">Tags</h2>
    <ul class="tags">{{ range . }}<li><a class="tag" href="{{ printf "tags/%s/" (urlize .) | absURL }}">{{ . }}</a></li>{{ end }}</ul>
  </footer>
  {{ end }}
</article>
<nav class="pager" aria-label="More">
  <a class="prev" href="{{ printf "days/%s/" $day | absURL }}"><span aria-hidden="true">← </span>All papers of {{ .Date.Format "January 2, 2006" }}</a>
</nav>
<script type="application/ld+json">{{ dict "@context" "https://schema.org" "@type" "ScholarlyArticle" "headline" .Title "datePublished" $day "url" .Permalink "abstract" (.Plain | truncate 280) | jsonify | safeJS }}</script>
{{ end }}
"##;

const TAG_TERM: &str = r##"{{ define "title" }}{{ .Title }}{{ if gt .Paginator.PageNumber 1 }} (page {{ .Paginator.PageNumber }}){{ end }} · {{ site.Title }}{{ end }}
{{ define "description" }}{{ len .Pages }} papers tagged {{ .Title }} in {{ site.Title }}.{{ end }}
{{ define "head" }}{{ with .OutputFormats.Get "RSS" }}<link rel="alternate" type="application/rss+xml" href="{{ .Permalink }}">{{ end }}{{ end }}
{{ define "main" }}
{{ $pager := .Paginate .Pages }}
<header class="list-header">
  <p class="crumbs"><a href="{{ "tags/" | absURL }}">Tags</a></p>
  <h1><span class="hash" aria-hidden="true">#</span>{{ .Title }}</h1>
  <p class="muted">{{ len .Pages }} papers{{ if gt $pager.TotalPages 1 }} · page {{ $pager.PageNumber }} of {{ $pager.TotalPages }}{{ end }}{{ with .OutputFormats.Get "RSS" }} · <a href="{{ .Permalink }}">RSS feed</a>{{ end }}</p>
</header>
<h2 class="vh">Papers</h2>
{{ range $pager.Pages }}{{ partial "card.html" . }}{{ end }}
{{ partial "pager.html" $pager }}
{{ end }}
"##;

const TAGS: &str = r##"{{ define "title" }}Tags · {{ site.Title }}{{ end }}
{{ define "main" }}
<header class="list-header"><h1>Tags</h1><p class="muted">{{ len .Data.Terms }} tags, most used first</p></header>
<ul class="tag-cloud">
  {{ range .Data.Terms.ByCount }}<li><a class="tag" href="{{ .Page.Permalink }}">{{ .Page.Title }} <span class="count">{{ .Count }}<span class="vh"> papers</span></span></a></li>{{ end }}
</ul>
{{ end }}
"##;

const DAY_TERM: &str = r##"{{ define "title" }}Papers of {{ (index .Pages 0).Date.Format "January 2, 2006" }} · {{ site.Title }}{{ end }}
{{ define "main" }}
{{ $first := index .Pages 0 }}
<header class="list-header">
  <p class="crumbs"><a href="{{ "days/" | absURL }}">Archive</a> <span aria-hidden="true">/</span> <a href="{{ printf "months/%s/" ($first.Date.Format "2006-01") | absURL }}">{{ $first.Date.Format "January 2006" }}</a></p>
  <h1><time datetime="{{ .Title }}">{{ $first.Date.Format "January 2, 2006" }}</time></h1>
  <p class="muted">{{ len .Pages }} papers</p>
</header>
<h2 class="vh">Papers</h2>
{{ range .Pages }}{{ partial "card.html" . }}{{ end }}
{{ end }}
"##;

const DAYS: &str = r##"{{ define "title" }}Archive · {{ site.Title }}{{ end }}
{{ define "main" }}
<header class="list-header"><h1>Archive</h1><p class="muted">{{ len site.RegularPages }} papers on {{ len .Data.Terms }} days</p></header>
<ul class="days">
  {{ range .Data.Terms.Alphabetical.Reverse }}<li><a href="{{ .Page.Permalink }}"><time datetime="{{ .Page.Title }}">{{ .Page.Title }}</time> <span class="count">{{ .Count }}<span class="vh"> papers</span></span></a></li>{{ end }}
</ul>
{{ end }}
"##;

const MONTH_TERM: &str = r##"{{ define "title" }}{{ (index .Pages 0).Date.Format "January 2006" }} · {{ site.Title }}{{ end }}
{{ define "main" }}
<header class="list-header">
  <p class="crumbs"><a href="{{ "days/" | absURL }}">Archive</a></p>
  <h1>{{ (index .Pages 0).Date.Format "January 2006" }}</h1>
  <p class="muted">{{ len .Pages }} papers</p>
</header>
{{ range .Pages.GroupByDate "2006-01-02" }}
<section class="day-group">
  <h2 class="day-heading"><a href="{{ printf "days/%s/" .Key | absURL }}"><time datetime="{{ .Key }}">{{ (index .Pages 0).Date.Format "January 2, 2006" }}</time></a> <span class="count">{{ len .Pages }} papers</span></h2>
  <ul class="compact">
    {{ range .Pages }}<li><a class="t" href="{{ .Permalink }}">{{ .Title }}</a> <span class="meta">{{ with .Params.authors }}<span>{{ partial "authors.html" . }}</span> {{ end }}{{ with .Params.upvotes }}<span class="upvotes"><span aria-hidden="true">▲</span> {{ . }}</span>{{ end }}</span></li>
    {{ end }}
  </ul>
</section>
{{ end }}
{{ end }}
"##;

const MONTHS: &str = r##"{{ define "main" }}
<ul>{{ range .Data.Terms.Alphabetical.Reverse }}<li><a href="{{ .Page.Permalink }}">{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}</ul>
{{ end }}
"##;

const RSS: &str = r##"{{- $pages := .Pages -}}{{- if .IsHome -}}{{- $pages = site.RegularPages -}}{{- end -}}
{{- $pages = $pages | first 20 -}}
{{- printf "<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?>" | safeHTML }}
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel>
    <title>{{ if .IsHome }}{{ site.Title }}{{ else }}{{ site.Title }}: {{ .Title }}{{ end }}</title>
    <link>{{ .Permalink }}</link>
    <description>{{ site.Params.description }}</description>
    <generator>Hugo</generator>
    {{ with $pages }}<lastBuildDate>{{ (index . 0).Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" | safeHTML }}</lastBuildDate>{{ end }}
    {{ with .OutputFormats.Get "RSS" }}{{ printf "<atom:link href=%q rel=\"self\" type=%q />" .Permalink .MediaType | safeHTML }}{{ end }}
    {{ range $pages }}
    <item>
      <title>{{ .Title }}</title>
      <link>{{ .Permalink }}</link>
      <guid>{{ .Permalink }}</guid>
      <pubDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" | safeHTML }}</pubDate>
      {{ range .Params.authors }}<dc:creator xmlns:dc="http://purl.org/dc/elements/1.1/">{{ . }}</dc:creator>{{ end }}
      {{ range .Params.tags }}<category>{{ . }}</category>{{ end }}
      <description>{{ .Plain | truncate 280 }}</description>
      <content:encoded>{{ .Content | html }}</content:encoded>
    </item>
    {{ end }}
  </channel>
</rss>
"##;

const NOT_FOUND: &str = r##"{{ define "title" }}Not found · {{ site.Title }}{{ end }}
{{ define "main" }}<h1>Page not found</h1><p><a href="{{ site.BaseURL }}">Latest papers</a></p>{{ end }}
"##;

/// Every layout file, relative to `layouts/`.
const LAYOUTS: &[(&str, &str)] = &[
    ("_default/baseof.html", BASEOF),
    ("_default/single.html", SINGLE),
    ("_default/list.html", HOME),
    ("_default/rss.xml", RSS),
    ("index.html", HOME),
    ("404.html", NOT_FOUND),
    ("partials/card.html", CARD),
    ("partials/pager.html", PAGER),
    ("partials/authors.html", AUTHORS),
    ("tags/term.html", TAG_TERM),
    ("tags/taxonomy.html", TAGS),
    ("days/term.html", DAY_TERM),
    ("days/taxonomy.html", DAYS),
    ("months/term.html", MONTH_TERM),
    ("months/taxonomy.html", MONTHS),
];
