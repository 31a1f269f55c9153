using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Orchestrator.Agents.Alerts;

/// <summary>
/// A Telegram bot: <c>POST {apiBase}/bot{token}/sendMessage</c> with <c>chat_id</c> and <c>text</c>.
/// The token is in the path, so the request URL is a secret: it is never logged, and failures
/// name only the HTTP status and Telegram's description. <paramref name="apiBase"/> is
/// configurable (tests point it at a local listener).
/// </summary>
public sealed class TelegramAlertChannel(HttpClient http, Uri apiBase, string botToken, string chatId) : IAlertChannel
{
    private const int TextLimit = 4096;

    private readonly Uri _sendMessage = new(apiBase.AbsoluteUri.TrimEnd('/') + "/bot" + botToken + "/sendMessage");

    public string Name => "telegram";

    public async Task SendAsync(AlertMessage alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        string text = alert.Text;
        foreach ((string key, string value) in alert.Fields)
        {
            text += "\n" + key + ": " + value;
        }

        var body = new JsonObject
        {
            ["chat_id"] = chatId,
            ["text"] = text.Length <= TextLimit ? text : text[..(TextLimit - 1)] + "…",
            ["disable_web_page_preview"] = true,
        };
        using HttpResponseMessage response = await http.PostAsJsonAsync(_sendMessage, body, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            string description = string.Empty;
            try
            {
                JsonNode? answer = await response.Content.ReadFromJsonAsync<JsonNode>(cancellationToken).ConfigureAwait(false);
                description = answer?["description"]?.GetValue<string>() ?? string.Empty;
            }
            catch (System.Text.Json.JsonException)
            {
                // not JSON: the status says enough
            }

            throw new HttpRequestException("Telegram answered HTTP " + (int)response.StatusCode + (description.Length > 0 ? ": " + description.Replace(botToken, "***", StringComparison.Ordinal) : string.Empty), null, response.StatusCode);
        }
    }
}
