using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text.Json;

namespace Orchestrator.AgentClient;

/// <summary>
/// One connection to the gateway: the socket, a line reader over it (System.IO.Pipelines) and a
/// serialised line writer (one JSON object per line, written through a reused buffer). The client
/// makes a new one for every (re)connect.
/// </summary>
internal sealed class AgentSession : IAsyncDisposable
{
    /// <summary>A line longer than this (no newline in 1 MiB) is a broken peer: the session ends.</summary>
    private const int MaxLineBytes = 1 << 20;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _reader;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _json;
    private int _closed;

    private AgentSession(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true));
        _json = new Utf8JsonWriter(_buffer);
    }

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    public static async Task<AgentSession> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
            return new AgentSession(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Writes one line: <paramref name="write"/> writes a JSON object, the session adds the newline.</summary>
    /// <exception cref="IOException">The connection is closed or the write failed.</exception>
    public async ValueTask WriteLineAsync<TState>(TState state, Action<Utf8JsonWriter, TState> write, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (IsClosed)
            {
                throw new IOException("not connected to the daemon");
            }

            _buffer.ResetWrittenCount();
            _json.Reset(_buffer);
            write(_json, state);
            _json.Flush();
            _buffer.GetSpan(1)[0] = (byte)'\n';
            _buffer.Advance(1);
            await _stream.WriteAsync(_buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectDisposedException ex)
        {
            throw new IOException("not connected to the daemon", ex);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Calls <paramref name="onLine"/> for each line (without its newline; blank lines skipped) until
    /// the peer closes, the session is closed or <paramref name="cancellationToken"/> fires; returns why it ended.
    /// Stops after the first line when <paramref name="single"/> (the handshake).
    /// </summary>
    public async Task<string> ReadLinesAsync(Func<ReadOnlySequence<byte>, ValueTask> onLine, bool single, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                ReadResult result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                bool stoppedEarly = false;
                try
                {
                    while (buffer.PositionOf((byte)'\n') is SequencePosition end)
                    {
                        ReadOnlySequence<byte> line = buffer.Slice(0, end);
                        buffer = buffer.Slice(buffer.GetPosition(1, end));
                        if (!IsBlank(line))
                        {
                            await onLine(line).ConfigureAwait(false);
                            if (single)
                            {
                                stoppedEarly = true; // the lines after it stay buffered for the next read
                                return "one line read";
                            }
                        }
                    }

                    if (buffer.Length > MaxLineBytes)
                    {
                        return $"the daemon sent a line longer than {MaxLineBytes} bytes";
                    }

                    if (result.IsCompleted || result.IsCanceled)
                    {
                        return "the daemon closed the connection";
                    }
                }
                finally
                {
                    _reader.AdvanceTo(buffer.Start, stoppedEarly ? buffer.Start : buffer.End);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return "stopping";
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            return IsClosed ? "closed" : "connection error: " + ex.Message;
        }
    }

    /// <summary>Shuts the socket (the reader then ends); safe from any thread, more than once.</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // already gone
        }

        _reader.CancelPendingRead();
    }

    public async ValueTask DisposeAsync()
    {
        Close();
        await _reader.CompleteAsync().ConfigureAwait(false);
        await _writeLock.WaitAsync().ConfigureAwait(false); // no write in progress
        try
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
            await _json.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static bool IsBlank(ReadOnlySequence<byte> line)
    {
        foreach (ReadOnlyMemory<byte> segment in line)
        {
            foreach (byte b in segment.Span)
            {
                if (b is not ((byte)' ' or (byte)'\r' or (byte)'\t'))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
