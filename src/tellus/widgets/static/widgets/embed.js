/* Tellus widgets: visitors' content on the destination's own site.
 *
 *   <script src="https://TELLUS/widgets/embed.js" data-tellus-widget="gallery"
 *           data-tag="beach" data-limit="12" async></script>
 *
 * Renders into a shadow root beside its script tag, so neither page's styles
 * leak into the other. Every node is made with createElement and textContent:
 * nothing that comes from the data is ever parsed as HTML, and only http(s)
 * addresses become links or images. No cookies are sent or set.
 */
(function () {
  "use strict";

  var FILTERS = ["tag", "place", "initiative", "kind", "limit"];
  var LANGUAGE = /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,3}$/;
  var PLACEHOLDER = /^data:image\/(?:webp|png|jpeg);base64,[A-Za-z0-9+/=]+$/;
  var IMAGE_WIDTH = 640;
  var MAP_ENTRIES = 20;
  var count = 0;

  function safeUrl(value, base) {
    try {
      var url = new URL(String(value), base);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (attrs[name] !== null && attrs[name] !== undefined) {
        node.setAttribute(name, String(attrs[name]));
      }
    });
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    return node;
  }

  function getJSON(url) {
    return fetch(url, { credentials: "omit", mode: "cors" }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) {
          throw new Error(response.status + ": " + (data && data.detail));
        }
        return data;
      });
    });
  }

  function language(script) {
    var holder = script.closest("[lang]") || document.documentElement;
    var tag = script.getAttribute("data-lang") || holder.getAttribute("lang") || "";
    return LANGUAGE.test(tag) ? tag : "";
  }

  function credit(labels, item) {
    return String(labels.credit || "{name}").replace("{name}", String(item.contributor));
  }

  function figure(item, labels) {
    var href = safeUrl(item.url);
    if (!href) {
      return null;
    }
    var link = el("a", { href: href });
    var renditions = (item.renditions || []).filter(function (r) {
      return safeUrl(r.url) && r.width > 0 && r.height > 0;
    });
    if (renditions.length) {
      var fitting = renditions.filter(function (r) { return r.width <= IMAGE_WIDTH; });
      var best = (fitting.length ? fitting : renditions.slice(0, 1)).pop();
      var img = el("img", {
        alt: item.title,
        width: best.width,
        height: best.height,
        loading: "lazy",
        decoding: "async",
        sizes: "(max-width: 30rem) 50vw, 14rem"
      });
      img.srcset = renditions.map(function (r) { return safeUrl(r.url) + " " + r.width + "w"; }).join(", ");
      img.src = safeUrl(best.url);
      if (PLACEHOLDER.test(item.placeholder || "")) {
        img.style.backgroundImage = "url(\"" + item.placeholder + "\")";
      }
      link.appendChild(img);
    } else {
      var card = el("span", { "class": "text-card" });
      card.appendChild(el("span", { "class": "kind" }, (labels.kinds || {})[item.kind] || item.kind));
      card.appendChild(el("span", { "class": "title" }, item.title));
      link.appendChild(card);
    }
    var node = el("figure");
    node.appendChild(link);
    var caption = credit(labels, item) + (item.place ? " · " + item.place : "");
    node.appendChild(el("figcaption", null, caption));
    return node;
  }

  function figures(items, labels) {
    if (!items.length) {
      return el("p", { "class": "empty" }, labels.empty);
    }
    var list = el("ul", { "class": "figures", role: "list" });
    items.forEach(function (item) {
      var node = figure(item, labels);
      if (node) {
        var entry = el("li");
        entry.appendChild(node);
        list.appendChild(entry);
      }
    });
    return list;
  }

  function moreLink(url, text) {
    var href = safeUrl(url);
    var p = el("p", { "class": "more" });
    if (href) {
      p.appendChild(el("a", { href: href }, text));
    }
    return p;
  }

  function places(map) {
    var list = el("ol", { "class": "clusters", role: "list" });
    var entries = (map.clusters || []).concat(map.points || []).slice(0, MAP_ENTRIES);
    entries.forEach(function (entry) {
      var item = el("li");
      var href = entry.url ? safeUrl(entry.url) : null;
      item.appendChild(href ? el("a", { href: href }, entry.label) : el("span", null, entry.label));
      list.appendChild(item);
    });
    return list;
  }

  function render(section, script, kind, gallery, map) {
    var labels = gallery.labels || {};
    var title = el("h2", { id: "tellus-widget-" + (count += 1) });
    section.setAttribute("aria-labelledby", title.id);
    section.appendChild(title);
    if (kind === "map") {
      title.textContent = script.getAttribute("data-heading") || labels.map_heading;
      section.appendChild(places(map));
      section.appendChild(moreLink(map.map_url, labels.open_map));
      section.appendChild(el("h3", null, labels.heading));
    } else {
      title.textContent = script.getAttribute("data-heading") || labels.heading;
    }
    section.appendChild(figures(gallery.items || [], labels));
    section.appendChild(moreLink(gallery.gallery_url, labels.more));
  }

  function mount(script) {
    script.setAttribute("data-tellus-mounted", "");
    var kind = script.getAttribute("data-tellus-widget");
    if (kind !== "gallery" && kind !== "map") {
      console.warn("Tellus widget: data-tellus-widget must be \"gallery\" or \"map\".");
      return;
    }
    var base = new URL(".", script.src);
    var query = new URLSearchParams();
    FILTERS.forEach(function (name) {
      var value = script.getAttribute("data-" + name);
      if (value) {
        query.set(name, value);
      }
    });
    var lang = language(script);
    if (lang) {
      query.set("lang", lang);
    }
    var host = el("div", { "class": "tellus-widget", "data-tellus-widget-host": kind });
    script.parentNode.insertBefore(host, script.nextSibling);
    var root = host.attachShadow({ mode: "open" });
    var section = el("section", { "class": "tellus", "aria-busy": "true" });
    section.hidden = true;
    var style = el("link", { rel: "stylesheet", href: new URL("embed.css", base).href });
    style.addEventListener("load", function () { section.hidden = false; });
    style.addEventListener("error", function () { section.hidden = false; });
    root.appendChild(style);
    root.appendChild(section);

    var wanted = [getJSON(new URL("gallery.json?" + query.toString(), base).href)];
    if (kind === "map") {
      wanted.push(getJSON(new URL("map.json" + (lang ? "?lang=" + encodeURIComponent(lang) : ""), base).href));
    }
    Promise.all(wanted).then(function (answers) {
      render(section, script, kind, answers[0], answers[1]);
      section.removeAttribute("aria-busy");
    }).catch(function (error) {
      host.parentNode.removeChild(host);
      console.warn("Tellus widget: " + error.message);
    });
  }

  var scripts = document.querySelectorAll("script[data-tellus-widget]:not([data-tellus-mounted])");
  Array.prototype.forEach.call(scripts, function (script) {
    if (script.src && script.parentNode) {
      mount(script);
    }
  });
})();
