using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Sockets;
using NLog;

namespace Orchestrator.Adapters.SignalGateway;

/// <summary>
/// One client: a read loop (<see cref="PipeReader"/> over the socket → <see cref="LineProcessor"/>)
/// and a write loop, the only writer of the socket (<see cref="PipeWriter"/>, one flush per wake-up,
/// not per line), joined by the slot's table. Neither loop spins: the reader waits on the slot's
/// room signal or backs off while the ring is full; the writer waits on its work signal.
/// </summary>
internal sealed class GatewayConnection
{
    private static readonly Logger s_logger = LogManager.GetCurrentClassLogger();

    private readonly Socket _socket;
    private readonly GatewaySlot _slot;
    private readonly GatewayCounters _counters;
    private readonly LineProcessor _lines;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly TimeSpan _drainTimeout;
    private readonly TimeProvider _time;
    private long _lastActive;
    private int _closeReason; // a GatewayError: why the gateway closes this connection (None = it does not)
    private volatile bool _readerDone;
    private volatile bool _stopping;
    private bool _outputDead;
    private ITimer? _giveUpTimer;

    public GatewayConnection(Socket socket, GatewaySlot slot, GatewayCounters counters, LineProcessor lines, TimeSpan drainTimeout, TimeProvider time, string peer)
    {
        _time = time;
        AcceptedAt = time.GetTimestamp();
        _lastActive = AcceptedAt;
        _socket = socket;
        _slot = slot;
        _counters = counters;
        _lines = lines;
        _drainTimeout = drainTimeout;
        Peer = peer;
        var stream = new NetworkStream(socket, ownsSocket: false);
        _input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: true));
        _output = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 64 * 1024, leaveOpen: true));
    }

    public string Peer { get; }

    /// <summary>How long a closing connection reads (and discards) what its client still sends, waiting for the client's own close.</summary>
    internal static readonly TimeSpan LingerTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Called once the connection no longer uses its slot (every answer written or given up), before
    /// the socket's last second of lingering: a closing client that does not hang up must not hold
    /// a slot a newcomer needs.
    /// </summary>
    public Action? SlotDone { get; set; }

    /// <summary>Its place in the order of accepts (ties of the clock go to the one accepted first).</summary>
    public long Ordinal { get; set; }

    /// <summary>When it was accepted (<see cref="TimeProvider.GetTimestamp"/> of the gateway's clock).</summary>
    public long AcceptedAt { get; }

    /// <summary>When it last sent bytes (acquire; written by the reader once per read).</summary>
    public long LastActive => Volatile.Read(ref _lastActive);

    /// <summary>Whether it authenticated (always, without a token).</summary>
    public bool Authenticated => _lines.Authenticated;

    /// <summary>Whether the gateway already decided to close it.</summary>
    public bool Closing => Volatile.Read(ref _closeReason) != (int)GatewayError.None;

    /// <summary>Whether every line it sent was answered and settled (nothing outstanding).</summary>
    public bool Idle => _slot.IsDrained;

    /// <summary>
    /// The gateway closes it (auth or idle timeout, eviction): it stops reading, answers what it
    /// read, then writes one line saying why and closes. Any thread; the first reason wins. A client
    /// that does not read cannot hold the close up: a write still pending after the drain timeout is
    /// given up (<see cref="GiveUpWriting"/>), so the connection ends and frees its slot in bounded time.
    /// </summary>
    public bool Close(GatewayError reason)
    {
        if (Interlocked.CompareExchange(ref _closeReason, (int)reason, (int)GatewayError.None) != (int)GatewayError.None)
        {
            return false;
        }

        _giveUpTimer = _time.CreateTimer(static state => ((GatewayConnection)state!).GiveUpWriting(), this, _drainTimeout, Timeout.InfiniteTimeSpan);

        try
        {
            StopReading();
        }
        catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException)
        {
            // it ended on its own meanwhile
        }

        return true;
    }

    /// <summary>
    /// Closes an agent's connection: as <see cref="Close"/>, and when its reliable queue is full
    /// (the client does not read) the writer's pending write is given up at once so it can end.
    /// </summary>
    public bool CloseAgent(GatewayError reason)
    {
        if (!Close(reason))
        {
            return false;
        }

        if (reason == GatewayError.AgentQueueFull)
        {
            GiveUpWriting();
        }

        return true;
    }

    /// <summary>
    /// Any thread: cancels the writer's pending (or next) flush — the socket write blocked on a client
    /// that does not read fails — so the writer stops writing, settles the rest without output and ends.
    /// What the canceled write had not sent is discarded (the client may see its last line cut).
    /// </summary>
    private void GiveUpWriting()
    {
        try
        {
            _output.CancelPendingFlush();
        }
        catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException)
        {
            // it ended meanwhile: nothing left to give up
        }

        _slot.Work.Set();
    }

    /// <summary>The agent session of the connection, once it said hello.</summary>
    public AgentSession? AgentSession => _lines.Session;

    /// <summary>Ends the agent session (if any): pending requests fail, the agent shows disconnected.</summary>
    public void EndAgentSession() => _lines.Session?.End();

    /// <summary>Whether every accepted signal's outcome was settled before the connection ended.</summary>
    public bool Drained => _slot.IsDrained;

    public async Task RunAsync()
    {
        Task writer = WriteLoopAsync();
        try
        {
            await ReadLoopAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // the client went away: what was read is answered, nothing more
        }
        catch (Exception ex)
        {
            _counters.CountInternalError(ex, Peer); // a bug: stop reading, answer what was read, close cleanly
        }
        finally
        {
            var reason = (GatewayError)Volatile.Read(ref _closeReason);
            if (reason != GatewayError.None && _slot.HasRoom)
            {
                // Still the reader (the table's only producer): the last line says why the gateway closes.
                _slot.Append(_lines.Session is not null ? LineAnswer.AgentError : LineAnswer.Rejected, reason, default, false);
                _counters.CountRejected(reason);
                s_logger.Info("Signal gateway {0}: closed by the gateway: {1}", Peer, GatewayErrorText.Get(reason));
            }

            _readerDone = true;
            _slot.Work.Set();
        }

        try
        {
            try
            {
                await writer.ConfigureAwait(false);
            }
            finally
            {
                _lines.Session?.End();
                SlotDone?.Invoke();
            }

            // After a given-up write the pipe still holds bytes the socket did not take: completing
            // with an error discards them (a plain completion would write them again, with no
            // cancellation: blocked forever on a client that does not read).
            await _output.CompleteAsync(_outputDead ? new IOException("the client does not read; output given up") : null).ConfigureAwait(false);
            await CloseGracefullyAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _counters.CountInternalError(ex, Peer);
        }
        finally
        {
            _giveUpTimer?.Dispose();
            _socket.Dispose(); // always: a connection that failed must not stay half-open (CLOSE_WAIT)
        }

        if (_lines.Unlogged > 0)
        {
            s_logger.Warn("Signal gateway {0}: {1} more refused lines were not logged (see the gateway rejected counters)", Peer, _lines.Unlogged);
        }
    }

    /// <summary>Stops reading (shutdown): lines already read are answered, their outcomes awaited.</summary>
    public void StopReading()
    {
        _stopping = true;
        _input.CancelPendingRead();
        _slot.Space.Set();
    }

    /// <summary>Gives up on a client that does not read its answers (after the drain timeout).</summary>
    public void Abort()
    {
        StopReading();
        _output.CancelPendingFlush();
        _socket.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        int ringWaits = 0;
        while (!_stopping)
        {
            ReadResult read = await _input.ReadAsync().ConfigureAwait(false);
            if (read.IsCanceled)
            {
                return; // shutdown or closed by the gateway: stop reading
            }

            Volatile.Write(ref _lastActive, _time.GetTimestamp()); // release: the sweeper and admission read it
            _lines.Session?.Agent.Touch(); // any line is an agent's heartbeat

            ReadOnlySequence<byte> buffer = read.Buffer;
            ProcessResult result = _lines.Process(ref buffer);
            _input.AdvanceTo(buffer.Start, result == ProcessResult.NeedMore ? buffer.End : buffer.Start);
            _slot.Work.Set(); // one wake-up (and so one flush) per read batch
            switch (result)
            {
                case ProcessResult.Close:
                    return;
                case ProcessResult.NoRoom:
                    while (!_slot.HasRoom && !_stopping)
                    {
                        await _slot.Space.WaitAsync().ConfigureAwait(false);
                    }

                    continue;
                case ProcessResult.RingFull:
                    // Back-pressure: stop reading until the engine frees slots. Yield first, then sleep
                    // 1 ms between tries: never a busy spin on this 2-core budget, never a drop.
                    if (ringWaits++ == 0)
                    {
                        _counters.CountRingFullWait();
                    }

                    if (ringWaits < 4)
                    {
                        await Task.Yield();
                    }
                    else
                    {
                        await Task.Delay(1).ConfigureAwait(false);
                    }

                    continue;
                default:
                    ringWaits = 0;
                    break;
            }

            if (read.IsCompleted)
            {
                if (!buffer.IsEmpty && !_lines.Skipping)
                {
                    _counters.CountPartialLine(); // cut mid-line: discarded, never published
                }

                return;
            }
        }
    }

    private async Task WriteLoopAsync()
    {
        long drainDeadline = 0;
        while (true)
        {
            if (_readerDone && !_slot.IsDrained)
            {
                // Closing: outcomes still to come from the engine; poll gently, bounded.
                long now = Stopwatch.GetTimestamp();
                drainDeadline = drainDeadline == 0 ? now + (long)(_drainTimeout.TotalSeconds * Stopwatch.Frequency) : drainDeadline;
                if (now > drainDeadline)
                {
                    s_logger.Warn("Signal gateway {0}: closed with {1} signals whose outcome did not arrive within {2:0.#}s", Peer, _slot.Lines - _slot.Settled, _drainTimeout.TotalSeconds);
                    return;
                }

                await Task.Delay(1).ConfigureAwait(false);
            }
            else
            {
                await _slot.Work.WaitAsync().ConfigureAwait(false);
            }

            int written = _slot.WriteAnswers(_outputDead ? null : _output, out bool freed);
            if (freed)
            {
                _slot.Space.Set();
            }

            if (_lines.Session is { Ended: false } session && !_readerDone)
            {
                written += session.WriteFeed(_outputDead ? null : _output, out bool more);
                if (more)
                {
                    _slot.Work.Set(); // a budget stopped it: flush this much, then go on
                }
            }

            if (written > 0)
            {
                await FlushAsync().ConfigureAwait(false);
            }

            if (_readerDone && _slot.IsDrained)
            {
                return; // every line acked and every outcome written (settled ≤ acked ≤ lines)
            }
        }
    }

    /// <summary>
    /// Sends FIN after the last answer, then discards what the client still sends until it closes
    /// too (at most a second): closing with unread input would send a reset, and a reset can destroy
    /// the last answers (e.g. an auth error) before the client reads them.
    /// </summary>
    private async Task CloseGracefullyAsync()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
            using var linger = new CancellationTokenSource(LingerTimeout);
            while (true)
            {
                ReadResult rest = await _input.ReadAsync(linger.Token).ConfigureAwait(false);
                _input.AdvanceTo(rest.Buffer.End);
                if (rest.IsCompleted || rest.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // reset, gone or still talking after a second: close anyway
        }

        await _input.CompleteAsync().ConfigureAwait(false);
    }

    private async ValueTask FlushAsync()
    {
        try
        {
            FlushResult flush = await _output.FlushAsync().ConfigureAwait(false);
            _outputDead |= flush.IsCanceled || flush.IsCompleted;
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            _outputDead = true; // the client is gone: go on settling its lines without writing
        }
    }
}
