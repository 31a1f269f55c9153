using NLog;
using Orchestrator.Core;

namespace Orchestrator.Adapters.SignalGateway;

/// <summary>
/// What the gateway did, for metrics and tests. Socket threads add with interlocked operations
/// (once per read batch for the frequent ones); outcomes are counted by the engine's outcome
/// thread alone (plain writes, read with acquire).
/// </summary>
public sealed class GatewayCounters
{
    private static readonly Logger s_logger = LogManager.GetCurrentClassLogger();

    private readonly long[] _rejected = new long[Enum.GetValues<GatewayError>().Length];
    private long _accepted;
    private long _bytes;
    private long _connections;
    private long _refused;
    private long _active;
    private long _partialLines;
    private long _internalErrors;
    private long _evicted;
    private long _ringFullWaits;
    private long _ordered;
    private long _riskRejected;
    private long _noOrder;

    /// <summary>Signals published into the ring.</summary>
    public long Accepted => Volatile.Read(ref _accepted);

    /// <summary>Lines refused, all reasons.</summary>
    public long Rejected
    {
        get
        {
            long total = 0;
            for (int i = 1; i < _rejected.Length; i++)
            {
                total += Volatile.Read(ref _rejected[i]);
            }

            return total;
        }
    }

    /// <summary>Bytes read from clients.</summary>
    public long BytesRead => Volatile.Read(ref _bytes);

    /// <summary>Connections served since start.</summary>
    public long ConnectionsOpened => Volatile.Read(ref _connections);

    /// <summary>Connections turned away (too many).</summary>
    public long ConnectionsRefused => Volatile.Read(ref _refused);

    /// <summary>Connections closed to make room for a newcomer (the idlest authenticated, or the longest authenticating).</summary>
    public long ConnectionsEvicted => Volatile.Read(ref _evicted);

    /// <summary>Connections open now.</summary>
    public long ActiveConnections => Volatile.Read(ref _active);

    /// <summary>Exceptions while handling a line or a connection (bugs), each answered or closed cleanly.</summary>
    public long InternalErrors => Volatile.Read(ref _internalErrors);

    /// <summary>Lines cut by a disconnect before their newline: discarded, never published.</summary>
    public long PartialLinesDiscarded => Volatile.Read(ref _partialLines);

    /// <summary>Times a connection paused because the inbound ring was full (back-pressure).</summary>
    public long RingFullWaits => Volatile.Read(ref _ringFullWaits);

    /// <summary>Accepted signals that became an order.</summary>
    public long Ordered => Volatile.Read(ref _ordered);

    /// <summary>Accepted signals the trading stages refused.</summary>
    public long RiskRejected => Volatile.Read(ref _riskRejected);

    /// <summary>Accepted signals that produced neither an order nor a reject.</summary>
    public long NoOrder => Volatile.Read(ref _noOrder);

    /// <summary>Lines refused for <paramref name="error"/>.</summary>
    public long RejectedBy(GatewayError error) => Volatile.Read(ref _rejected[(int)error]);

    internal void AddAccepted(long count) => Interlocked.Add(ref _accepted, count);

    internal void AddBytes(long count) => Interlocked.Add(ref _bytes, count);

    internal void CountRejected(GatewayError error) => Interlocked.Increment(ref _rejected[(int)error]);

    internal void CountConnection() => Interlocked.Increment(ref _connections);

    internal void CountRefused() => Interlocked.Increment(ref _refused);

    internal void CountEvicted() => Interlocked.Increment(ref _evicted);

    internal void AddActive(long delta) => Interlocked.Add(ref _active, delta);

    internal void CountPartialLine() => Interlocked.Increment(ref _partialLines);

    internal void CountRingFullWait() => Interlocked.Increment(ref _ringFullWaits);

    /// <summary>
    /// An exception while handling a line (a bug: bad input is refused, never thrown): counted in
    /// <see cref="InternalErrors"/>; the first of the gateway's life is logged with its stack trace,
    /// later ones as one line, so no client can fill the log with traces.
    /// </summary>
    internal void CountInternalError(Exception exception, string peer)
    {
        if (Interlocked.Increment(ref _internalErrors) == 1)
        {
            s_logger.Error(exception, "Signal gateway {0}: a line could not be processed (answered with an error; the connection goes on)", peer);
        }
        else
        {
            s_logger.Error("Signal gateway {0}: a line could not be processed ({1}; {2} so far, see the first for its trace)", peer, exception.GetType().Name, InternalErrors);
        }
    }

    /// <summary>The engine's outcome thread only (single writer).</summary>
    internal void CountOutcome(RejectReason reject, long orderId)
    {
        if (reject != RejectReason.None)
        {
            Volatile.Write(ref _riskRejected, _riskRejected + 1);
        }
        else if (orderId != 0)
        {
            Volatile.Write(ref _ordered, _ordered + 1);
        }
        else
        {
            Volatile.Write(ref _noOrder, _noOrder + 1);
        }
    }
}
