using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orchestrator.ExchangeSimulator;

/// <summary>
/// One server-side WebSocket with a send gate (a WebSocket allows one send at a time, and
/// order events and data frames come from different threads) and whole-message receive.
/// </summary>
internal sealed class SimSocket(WebSocket socket) : IDisposable
{
    private readonly SemaphoreSlim _sendGate = new(1, 1);

    public WebSocket Socket => socket;

    public Task SendAsync(string text, WebSocketMessageType type, CancellationToken cancellationToken) =>
        SendAsync(Encoding.UTF8.GetBytes(text), type, cancellationToken);

    /// <summary>Sends one message; a connection that went away is not an error here.</summary>
    public async Task SendAsync(byte[] bytes, WebSocketMessageType type, CancellationToken cancellationToken)
    {
        try
        {
            await _sendGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        try
        {
            if (socket.State == WebSocketState.Open)
            {
                await socket.SendAsync(bytes, type, true, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (WebSocketException)
        {
            // the client went away
        }
        finally
        {
            _sendGate.Release();
        }
    }

    /// <summary>The next message as a JSON object (non-objects and non-JSON are skipped), or null once the link closes.</summary>
    public async Task<JsonObject?> ReceiveAsync(CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[8192];
        using var message = new MemoryStream();
        while (socket.State == WebSocketState.Open)
        {
            WebSocketReceiveResult result = await socket.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            message.Write(buffer, 0, result.Count);
            if (!result.EndOfMessage)
            {
                continue;
            }

            try
            {
                if (JsonNode.Parse(message.ToArray()) is JsonObject parsed)
                {
                    return parsed;
                }
            }
            catch (JsonException)
            {
                // not JSON: ignore, as Alpaca does not answer garbage either
            }

            message.SetLength(0);
        }

        return null;
    }

    public void Abort() => socket.Abort();

    public void Dispose() => _sendGate.Dispose();
}
