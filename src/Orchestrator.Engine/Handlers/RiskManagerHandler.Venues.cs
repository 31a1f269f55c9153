using Orchestrator.Core;
using Orchestrator.Engine.Snapshots;
using Orchestrator.Engine.State;

namespace Orchestrator.Engine.Handlers;

/// <summary>
/// Per-venue pause (issue 19, several venues in one process): <see cref="CommandKind.PauseVenue"/> makes risk refuse
/// new orders of the symbols one venue trades (<see cref="RejectReason.SymbolPaused"/>) while the other venues trade on;
/// <see cref="CommandKind.ResumeVenue"/> ends it. The daemon publishes both for a broker outage (the gateway's circuit
/// opening, then closing). Unlike the kill switch it cancels nothing: the venue cannot be reached to cancel, and its
/// resting orders and protections stay as they are. Journaled commands, so a replay pauses as the run did.
/// </summary>
public sealed partial class RiskManagerHandler
{
    private VenueMap? _venueMap;
    private bool[] _venuePaused = [];

    /// <summary>Set by the engine: the venue of each symbol id (null = one venue; no per-venue pause).</summary>
    internal VenueMap? Venues
    {
        get => _venueMap;
        init
        {
            _venueMap = value;
            _venuePaused = new bool[value?.Count ?? 0];
        }
    }

    /// <summary>Whether a venue id is paused (any thread: an acquire read of a flag the trading thread writes).</summary>
    public bool VenuePaused(int venueId) => (uint)venueId < (uint)_venuePaused.Length && Volatile.Read(ref _venuePaused[venueId]);

    /// <summary>Whether the venue that trades <paramref name="symbolId"/> is paused (trading thread).</summary>
    private bool SymbolsVenuePaused(int symbolId)
    {
        if (_venueMap is not { } venues)
        {
            return false;
        }

        int venue = venues.VenueOf(symbolId);
        return (uint)venue < (uint)_venuePaused.Length && _venuePaused[venue];
    }

    private void SetVenuePaused(long venueId, bool paused)
    {
        if ((ulong)venueId < (ulong)_venuePaused.Length)
        {
            // Release write: a slow-path reader that sees the flag sees the command applied.
            Volatile.Write(ref _venuePaused[venueId], paused);
        }
    }

    private void WriteVenues(ref StateWriter w) => w.Bools(_venuePaused);

    private void ReadVenues(ref StateReader r) => r.Bools(_venuePaused);
}
