using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Orchestrator.Adapters.Tests.SignalGateway;

/// <summary>A plain TCP client of the gateway that reads answer lines as JSON.</summary>
internal sealed class GatewayTestClient : IAsyncDisposable
{
    private readonly TcpClient _tcp = new() { NoDelay = true };
    private NetworkStream? _stream;
    private StreamReader? _reader;

    /// <summary>Connects; a <paramref name="receiveBufferSize"/> fixes the socket's receive buffer (no autotuning): a client that does not read fills it soon.</summary>
    public static async Task<GatewayTestClient> ConnectAsync(int port, CancellationToken cancellationToken, int receiveBufferSize = 0)
    {
        var client = new GatewayTestClient();
        if (receiveBufferSize > 0)
        {
            client._tcp.ReceiveBufferSize = receiveBufferSize;
        }

        await client._tcp.ConnectAsync("127.0.0.1", port, cancellationToken);
        client._stream = client._tcp.GetStream();
        client._reader = new StreamReader(client._stream, new UTF8Encoding(false));
        return client;
    }

    public NetworkStream Stream => _stream!;

    public Task SendAsync(string lines, CancellationToken cancellationToken) => SendAsync(Encoding.UTF8.GetBytes(lines), cancellationToken);

    public async Task SendAsync(byte[] bytes, CancellationToken cancellationToken) => await Stream.WriteAsync(bytes, cancellationToken);

    /// <summary>Half-closes: the server sees the end of the stream; answers can still be read.</summary>
    public void ShutdownSend() => _tcp.Client.Shutdown(SocketShutdown.Send);

    /// <summary>The next answer line, or null at the end of the stream.</summary>
    public async Task<JsonElement?> ReadAsync(CancellationToken cancellationToken)
    {
        string? line = await _reader!.ReadLineAsync(cancellationToken);
        return line is null ? null : JsonDocument.Parse(line).RootElement.Clone();
    }

    /// <summary>Reads answers until <paramref name="until"/> says enough (or the stream ends).</summary>
    public async Task<List<JsonElement>> ReadUntilAsync(Func<List<JsonElement>, bool> until, CancellationToken cancellationToken)
    {
        var answers = new List<JsonElement>();
        while (!until(answers) && await ReadAsync(cancellationToken) is { } answer)
        {
            answers.Add(answer);
        }

        return answers;
    }

    public async ValueTask DisposeAsync()
    {
        _reader?.Dispose();
        if (_stream is not null)
        {
            await _stream.DisposeAsync();
        }

        _tcp.Dispose();
    }
}
