using System.Buffers.Text;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Orchestrator.Benchmarks.Gateway;

/// <summary>
/// One external agent of the fan-out bench, over a real loopback socket: says hello (agent protocol
/// v1, ticks of one symbol), waits for its welcome, then either reads and counts every line
/// (<c>tick</c> lines, and the market data a <c>dropped</c> notice says it lost) or, as the
/// non-reading agent, never reads again (a 4 KB receive buffer, so the gateway's writer to it
/// blocks soon). Reads are async socket receives on the thread pool: 32 agents on 2 cores wait in
/// the kernel, never in a spin.
/// </summary>
internal sealed class FanOutAgent : IAsyncDisposable
{
    private const int TypeOffset = 9; // {"type":"X…: X is the type's first letter
    private static readonly byte[] s_droppedKey = Encoding.UTF8.GetBytes("\"market_data\":");

    private readonly Socket _socket;
    private readonly bool _reads;
    private readonly TaskCompletionSource _welcomed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _loop;
    private Waiter? _waiter;
    private long _ticks;
    private long _dropped;
    private long _lastTickTimestamp;

    private FanOutAgent(string name, bool reads)
    {
        Name = name;
        _reads = reads;
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (!reads)
        {
            _socket.ReceiveBufferSize = 4096; // before connecting: the window it advertises stays small
        }
    }

    public string Name { get; }

    /// <summary>Tick lines read so far.</summary>
    public long Ticks => Interlocked.Read(ref _ticks);

    /// <summary>Market-data events the gateway's <c>dropped</c> notices said it lost so far.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary><see cref="Stopwatch"/> timestamp of the read that brought the last tick (0 = none yet).</summary>
    public long LastTickTimestamp => Volatile.Read(ref _lastTickTimestamp);

    /// <summary>Connects to the gateway on 127.0.0.1:<paramref name="port"/>, says hello as <paramref name="name"/> for the ticks of <paramref name="symbol"/>, and returns once welcomed.</summary>
    public static async Task<FanOutAgent> ConnectAsync(int port, string name, string symbol, bool reads, CancellationToken cancellationToken)
    {
        var agent = new FanOutAgent(name, reads);
        try
        {
            await agent._socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            byte[] hello = Encoding.UTF8.GetBytes($"{{\"type\":\"hello\",\"name\":\"{name}\",\"version\":\"1.0\",\"symbols\":[\"{symbol}\"],\"ticks\":true}}\n");
            await agent._socket.SendAsync(hello, SocketFlags.None, cancellationToken);
            agent._loop = agent.ReadAsync();
            await agent._welcomed.Task.WaitAsync(cancellationToken);
            return agent;
        }
        catch
        {
            await agent.DisposeAsync();
            throw;
        }
    }

    /// <summary>Completes once it has read <paramref name="events"/> market-data events, counting the dropped ones (fails if its connection ends first).</summary>
    public Task DeliveredAsync(long events)
    {
        var waiter = new Waiter(events);
        Interlocked.Exchange(ref _waiter, waiter); // full fence: the reader's next check sees it, or the check below sees its counts
        CheckWaiter();
        return waiter.Done.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Dispose(); // unread data: the gateway sees a reset, its blocked write fails and the session ends
        if (_loop is not null)
        {
            try
            {
                await _loop;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // the close above ends the read
            }
        }
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[1 << 16];
        int filled = 0;
        try
        {
            while (_reads || !_welcomed.Task.IsCompleted)
            {
                int n = await _socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None);
                if (n == 0)
                {
                    break;
                }

                filled += n;
                int consumed = CountLines(buffer.AsSpan(0, filled));
                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
                if (consumed == 0 && filled == buffer.Length)
                {
                    throw new InvalidDataException($"agent {Name}: a line longer than {buffer.Length} bytes");
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // closed by DisposeAsync
        }
        finally
        {
            _welcomed.TrySetException(new InvalidOperationException($"agent {Name}: the gateway closed the connection before its welcome"));
            Volatile.Read(ref _waiter)?.Done.TrySetException(new InvalidOperationException($"agent {Name}: the connection ended after {Ticks} ticks and {Dropped} dropped"));
        }
    }

    /// <summary>Counts the whole lines in <paramref name="data"/>; returns the bytes they take.</summary>
    private int CountLines(ReadOnlySpan<byte> data)
    {
        long ticks = 0, dropped = 0;
        int start = 0, newline;
        while ((newline = data[start..].IndexOf((byte)'\n')) >= 0)
        {
            ReadOnlySpan<byte> line = data.Slice(start, newline);
            start += newline + 1;
            byte type = line.Length > TypeOffset ? line[TypeOffset] : (byte)0;
            switch (type)
            {
                case (byte)'t':
                    ticks++;
                    break;
                case (byte)'d':
                    int key = line.IndexOf(s_droppedKey);
                    if (key < 0 || !Utf8Parser.TryParse(line[(key + s_droppedKey.Length)..], out long count, out _))
                    {
                        throw new InvalidDataException($"agent {Name}: malformed dropped notice {Encoding.UTF8.GetString(line)}");
                    }

                    dropped += count;
                    break;
                case (byte)'w':
                    _welcomed.TrySetResult();
                    break;
                case (byte)'e':
                    _welcomed.TrySetException(new InvalidOperationException($"agent {Name}: {Encoding.UTF8.GetString(line)}"));
                    break;
            }
        }

        if (ticks > 0)
        {
            Volatile.Write(ref _lastTickTimestamp, Stopwatch.GetTimestamp());
            Interlocked.Add(ref _ticks, ticks);
        }

        if (dropped > 0)
        {
            Interlocked.Add(ref _dropped, dropped);
        }

        if (ticks > 0 || dropped > 0)
        {
            CheckWaiter();
        }

        return start;
    }

    private void CheckWaiter()
    {
        if (Volatile.Read(ref _waiter) is { } waiter && Ticks + Dropped >= waiter.Events)
        {
            waiter.Done.TrySetResult();
        }
    }

    private sealed class Waiter(long events)
    {
        public long Events { get; } = events;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
