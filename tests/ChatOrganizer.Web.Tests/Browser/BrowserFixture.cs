using ChatOrganizer.Testing.FakeOpenAi;
using Microsoft.Playwright;

namespace ChatOrganizer.Web.Tests.Browser;

// The app on a real port of 127.0.0.1, categorizing with the fake model, and headless Chromium (the system's, not a
// downloaded one) to click through it. Screenshots of every page go to Screenshots.
public sealed class BrowserFixture : IAsyncLifetime
{
    // Where the browser is; CHROMIUM_PATH overrides. tests/run.sh installs Debian's chromium there.
    public static readonly string ChromiumPath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public FakeOpenAiServer Fake { get; private set; } = null!;
    public ChatOrganizerApp App { get; private set; } = null!;
    public Uri BaseUrl { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"The browser tests need Chromium at {ChromiumPath} (or CHROMIUM_PATH). Install it with `apt-get install chromium`, or run bash tests/run.sh, which does.");
        }
        Directory.CreateDirectory(Screenshots);
        Console.WriteLine($"Browser test screenshots: {Screenshots}");

        Fake = await FakeOpenAiServer.StartAsync();
        // Generation time per request, and one request at a time in small batches: progress moves in steps that a
        // person (and a test polling the page) can see.
        Fake.Latency = TimeSpan.FromMilliseconds(400);
        App = new ChatOrganizerApp()
            .With("Categorization:ApiKey", "sk-browser-test")
            .With("Categorization:BaseUrl", Fake.BaseUrl.ToString())
            .With("Categorization:BatchSize", "3")
            .With("Categorization:MaxConcurrency", "1")
            .With("Jobs:WorkItemSize", "100");
        BaseUrl = App.StartKestrel();

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    // A fresh browser session (its own cookies, so its own jobs), or the session of sameSessionAs; a phone's screen when asked.
    public async Task<IPage> NewPageAsync(bool phone = false, bool javaScript = true, IPage? sameSessionAs = null, bool dark = false)
    {
        var context = await Browser.NewContextAsync(new()
        {
            BaseURL = BaseUrl.ToString(),
            ViewportSize = phone ? new() { Width = 390, Height = 844 } : new() { Width = 1280, Height = 900 },
            DeviceScaleFactor = phone ? 2 : 1,
            IsMobile = phone,
            HasTouch = phone,
            JavaScriptEnabled = javaScript,
            AcceptDownloads = true,
            ColorScheme = dark ? ColorScheme.Dark : ColorScheme.Light,
        });
        context.SetDefaultTimeout(30_000);
        if (sameSessionAs is not null)
        {
            var cookies = await sameSessionAs.Context.CookiesAsync();
            await context.AddCookiesAsync(cookies.Select(c => new Cookie { Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path, HttpOnly = c.HttpOnly, Secure = c.Secure, SameSite = c.SameSite }));
        }
        return await context.NewPageAsync();
    }

    // The whole page, or on a phone the first screenful (a whole long page is too narrow and tall to look at).
    public async Task ScreenshotAsync(IPage page, string name, bool fullPage = true) =>
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, $"{name}.png"), FullPage = fullPage });

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (App is not null) await App.DisposeAsync();
        if (Fake is not null) await Fake.DisposeAsync();
    }
}
