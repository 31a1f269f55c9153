namespace Orchestrator.Adapters.Venues;

/// <summary>
/// Where a venue's push streams deliver order news (Alpaca <c>trade_updates</c>, KIS execution
/// notices). Called on the stream's thread.
/// </summary>
public interface IVenueUpdateSink
{
    /// <summary>An order's cumulative state (idempotent: the same state twice changes nothing).</summary>
    void OnVenueOrderUpdate(VenueOrderState state);

    /// <summary>
    /// Something changed but the message is not cumulative (a KIS notice of one execution): the
    /// gateway re-reads the venue's orders soon, so a notice lost or repeated cannot miscount.
    /// </summary>
    void RequestRefresh();
}
