namespace Orchestrator.Adapters.Venues;

/// <summary>An order's state as the venue reports it.</summary>
public enum VenueOrderStatus : byte
{
    /// <summary>Working at the venue (possibly partly filled).</summary>
    Open = 0,
    Filled,
    Canceled,
    Rejected,
    Expired,
}
