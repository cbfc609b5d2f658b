using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace ChatOrganizer.Web.Tests.Pages;

// What a browser without script does: read a page, send its forms (with the antiforgery token), follow where it lands.
public static partial class PageClient
{
    public const string TokenField = "__RequestVerificationToken";

    public static async Task<string> PageAsync(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} answered {(int)response.StatusCode}: {html[..Math.Min(html.Length, 500)]}");
        return html;
    }

    // The antiforgery token of the session's forms (any page's will do; the cookie comes with it).
    public static async Task<string> TokenAsync(this HttpClient client, string path = "/category-sets") =>
        TokenIn(await client.PageAsync(path));

    public static string TokenIn(string html) =>
        TokenInput().Match(html) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException("The page has no antiforgery token.");

    public static async Task<HttpResponseMessage> PostFormAsync(this HttpClient client, string path, params (string Name, string Value)[] fields)
    {
        var token = await client.TokenAsync();
        using var content = new FormUrlEncodedContent([new(TokenField, token), .. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))]);
        return await client.PostAsync(new Uri(path, UriKind.Relative), content);
    }

    // The upload form as a browser sends it: the token first (when given), then the file, then the other fields.
    public static MultipartFormDataContent UploadForm(byte[] export, string? token, string fileName = "conversations.json", params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        if (token is not null) form.Add(new StringContent(token), TokenField);
        var file = new ByteArrayContent(export);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        form.Add(file, "file", fileName);
        foreach (var (name, value) in fields) form.Add(new StringContent(value), name);
        return form;
    }

    // Posts the upload form as a browser would and returns the job id it redirects to.
    public static async Task<string> UploadThroughThePageAsync(this HttpClient client, byte[] export, params (string Name, string Value)[] fields)
    {
        using var form = UploadForm(export, await client.TokenAsync("/"), fields: fields);
        using var response = await client.PostAsync(new Uri("/jobs", UriKind.Relative), form);
        Assert.True(response.StatusCode == HttpStatusCode.Found, $"The upload answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return response.Headers.Location!.OriginalString.Split('/')[^1];
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenInput();
}
