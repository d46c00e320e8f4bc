// The Korean face (a 190 KB subset of Nanum Myeongjo, static/fonts/README.md)
// is added once the page has loaded, so a page that quotes a Korean title paints
// first and fetches it after; until then, and without JavaScript, Hangul shows
// in the reader's system font. The face covers Hangul only (unicodeRange), so
// pages without Korean never download it. The CSS names "Ask Myeongjo" in its
// serif stack; adding the face here re-lays out text without restyling the page.
(function () {
    const script = document.currentScript;
    if (!script || !("fonts" in document) || typeof FontFace !== "function") {
        return;
    }
    const hangul = "U+1100-11FF, U+3000-303F, U+3130-318F, U+AC00-D7A3, U+FF01-FF5E";
    const faces = [
        ["400", script.dataset.regular],
        ["700", script.dataset.bold],
    ];
    window.addEventListener("load", () => {
        for (const [weight, url] of faces) {
            if (url) {
                document.fonts.add(
                    new FontFace("Ask Myeongjo", `url("${url}") format("woff2")`, {
                        weight: weight,
                        style: "normal",
                        display: "swap",
                        unicodeRange: hangul,
                    }),
                );
            }
        }
    });
})();
