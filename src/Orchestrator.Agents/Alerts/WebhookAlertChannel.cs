using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Orchestrator.Agents.Alerts;

/// <summary>
/// A generic JSON webhook. The body carries <c>text</c> (what a Slack incoming webhook shows) and
/// <c>content</c> (what a Discord webhook shows, at most 2000 characters) beside the structured
/// fields (severity, kind, key, message, fields, at, repeats), which both services ignore and
/// other receivers can use. The URL is a secret (its path holds the token): it is never logged.
/// </summary>
public sealed class WebhookAlertChannel(HttpClient http, Uri url) : IAlertChannel
{
    private const int DiscordContentLimit = 2000;

    public string Name => "webhook";

    public async Task SendAsync(AlertMessage alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        JsonObject body = Payload(alert);
        using HttpResponseMessage response = await http.PostAsJsonAsync(url, body, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            // Not the URL, not the body: the status only (Slack and Discord explain in a word or two).
            throw new HttpRequestException("webhook answered HTTP " + (int)response.StatusCode, null, response.StatusCode);
        }
    }

    /// <summary>The JSON body for <paramref name="alert"/>.</summary>
    public static JsonObject Payload(AlertMessage alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        string text = alert.Text;
        var fields = new JsonObject();
        foreach ((string key, string value) in alert.Fields)
        {
            fields[key] = value;
        }

        return new JsonObject
        {
            ["text"] = text,
            ["content"] = text.Length <= DiscordContentLimit ? text : text[..(DiscordContentLimit - 1)] + "…",
            ["severity"] = alert.Severity.ToString().ToLowerInvariant(),
            ["kind"] = alert.Kind,
            ["key"] = alert.Key,
            ["message"] = alert.Message,
            ["fields"] = fields,
            ["at"] = alert.At.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["repeats"] = alert.Repeats,
            ["summary"] = alert.Summary,
        };
    }
}
