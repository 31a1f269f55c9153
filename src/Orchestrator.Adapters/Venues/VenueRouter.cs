using Disruptor;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Venues;

/// <summary>
/// Several venues in one process (issue 19): the outbound ring's one consumer, which hands each order,
/// cancel or amend to the gateway of its symbol's venue (<see cref="InstrumentInfo.Venue"/>, which the
/// daemon's <c>routing:</c> sets). Each venue's <see cref="VenueBrokerGateway"/> keeps its own queue,
/// workers, resilience pipeline, rate limit, in-doubt handling and poll loop, so one venue's outage
/// holds only its own commands.
/// </summary>
/// <remarks>
/// Runs on the outbound ring's thread (named "gateway"): one array read per command, no allocation,
/// no lock; the gateways' own <c>OnEvent</c> only track and enqueue. The table is built once, before
/// the engine starts. A command for a symbol no venue trades never comes here in normal running (risk
/// refuses its signals with <see cref="RejectReason.NoVenue"/>); should one come, it is counted in
/// <see cref="Unroutable"/> and dropped.
/// </remarks>
public sealed class VenueRouter : IValueEventHandler<OrderCommand>
{
    private readonly IValueEventHandler<OrderCommand>?[] _bySymbol;
    private long _unroutable;

    /// <param name="instruments">Each symbol's venue.</param>
    /// <param name="gateways">The gateway of each venue by name ("kis", "alpaca").</param>
    /// <exception cref="ArgumentException">A symbol's venue (other than <see cref="InstrumentInfo.NoVenue"/>) has no gateway.</exception>
    public VenueRouter(InstrumentTable instruments, IReadOnlyDictionary<string, IValueEventHandler<OrderCommand>> gateways)
    {
        ArgumentNullException.ThrowIfNull(instruments);
        ArgumentNullException.ThrowIfNull(gateways);
        _bySymbol = new IValueEventHandler<OrderCommand>?[instruments.Count];
        for (int id = 0; id < instruments.Count; id++)
        {
            InstrumentInfo info = instruments[id];
            if (info.Venue == InstrumentInfo.NoVenue)
            {
                continue;
            }

            _bySymbol[id] = gateways.TryGetValue(info.Venue, out IValueEventHandler<OrderCommand>? gateway)
                ? gateway
                : throw new ArgumentException($"{info.Symbol} is routed to venue '{info.Venue}', which has no gateway (venues: {string.Join(", ", gateways.Keys)})", nameof(gateways));
        }
    }

    /// <summary>Commands for a symbol no venue trades (dropped; 0 in normal running).</summary>
    public long Unroutable => Interlocked.Read(ref _unroutable);

    /// <summary>The gateway of <paramref name="symbolId"/>'s venue; null when none trades it.</summary>
    public IValueEventHandler<OrderCommand>? GatewayOf(int symbolId) => (uint)symbolId < (uint)_bySymbol.Length ? _bySymbol[symbolId] : null;

    /// <inheritdoc/>
    public void OnEvent(ref OrderCommand data, long sequence, bool endOfBatch)
    {
        int symbolId = data.SymbolId;
        if ((uint)symbolId < (uint)_bySymbol.Length && _bySymbol[symbolId] is { } gateway)
        {
            gateway.OnEvent(ref data, sequence, endOfBatch);
            return;
        }

        Interlocked.Increment(ref _unroutable); // read by the slow path's health check
    }
}
