using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.Extensions.WebEncoders;

namespace ChatOrganizer.Web.Controllers;

internal static class PagesSetup
{
    // The pages: MVC controllers with Razor views (each page controller checks its forms' antiforgery tokens).
    public static WebApplicationBuilder AddPages(this WebApplicationBuilder builder)
    {
        builder.Services.AddControllersWithViews();
        // Razor encodes every character that means something in HTML whatever this says; this only keeps titles
        // in other scripts (accents, Cyrillic, CJK) as themselves rather than as &#x...; entities six times their size.
        builder.Services.Configure<WebEncoderOptions>(options => options.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        return builder;
    }
}
