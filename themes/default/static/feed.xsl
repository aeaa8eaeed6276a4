<?xml version="1.0" encoding="utf-8"?>
<!-- Shows an Atom feed of digest as a readable page when a browser opens it: what a feed is,
     how to follow it, and its newest entries. Feed readers ignore this file. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom" exclude-result-prefixes="atom">
  <xsl:output method="html" encoding="utf-8" indent="yes" doctype-system="about:legacy-compat"/>
  <xsl:template match="/atom:feed">
    <html lang="{@xml:lang}">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="robots" content="noindex"/>
        <title><xsl:value-of select="atom:title"/> · web feed</title>
        <style>
          :root { color-scheme: light dark; --fg: #1d2025; --bg: #ffffff; --muted: #5a626d; --accent: #0b57c2; --soft: #eaf1fc; --line: #e6e8eb; }
          @media (prefers-color-scheme: dark) { :root { --fg: #e6e8eb; --bg: #15171a; --muted: #a8b0ba; --accent: #8ab4f8; --soft: #1f2a3a; --line: #30363d; } }
          body { margin: 0; background: var(--bg); color: var(--fg); font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
          main { max-width: 46rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
          .about { background: var(--soft); border-radius: 10px; padding: 1rem 1.2rem; }
          .about p { margin: .3rem 0; }
          code { overflow-wrap: anywhere; }
          a { color: var(--accent); }
          h1 { font-size: 1.6rem; margin: 1.5rem 0 .3rem; }
          .muted, time { color: var(--muted); }
          ol { padding-left: 1.2rem; }
          li { margin: .6rem 0; border-bottom: 1px solid var(--line); padding-bottom: .6rem; }
        </style>
      </head>
      <body>
        <main>
          <section class="about" aria-label="About this page">
            <p><strong>This is a web feed</strong> (Atom): an address for a feed reader, which
              checks it and shows each new entry, rather than a page to read here.</p>
            <p>To follow it, copy this address into your reader (NetNewsWire, Feedly,
              Inoreader, Thunderbird…):
              <code><xsl:value-of select="atom:link[@rel='self']/@href"/></code></p>
          </section>
          <h1><xsl:value-of select="atom:title"/></h1>
          <xsl:if test="atom:subtitle"><p class="muted"><xsl:value-of select="atom:subtitle"/></p></xsl:if>
          <p><a href="{atom:link[@rel='alternate']/@href}">Open the site</a></p>
          <h2>Newest entries</h2>
          <ol>
            <xsl:for-each select="atom:entry">
              <li>
                <a href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a>
                <xsl:text> </xsl:text>
                <time datetime="{atom:updated}"><xsl:value-of select="substring(atom:updated, 1, 10)"/></time>
              </li>
            </xsl:for-each>
          </ol>
        </main>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
