using Orchestrator.Core;

namespace Orchestrator.Engine.State;

/// <summary>
/// The venues of the engine's instruments as dense ids (issue 19, several venues in one process): each venue
/// named by an instrument (<see cref="InstrumentInfo.Venue"/>; <see cref="InstrumentInfo.NoVenue"/> excluded) gets an id
/// in order of first appearance, and each symbol id maps to its venue's id (−1 for none). Built once at start-up,
/// then read-only: the slow path names a venue by id in a command, the risk stage reads the symbol's id.
/// </summary>
public sealed class VenueMap
{
    private readonly int[] _venueOfSymbol;
    private readonly string[] _names;

    public VenueMap(InstrumentTable instruments)
    {
        ArgumentNullException.ThrowIfNull(instruments);
        var names = new List<string>();
        _venueOfSymbol = new int[instruments.Count];
        for (int id = 0; id < instruments.Count; id++)
        {
            string venue = instruments[id].Venue;
            if (venue == InstrumentInfo.NoVenue)
            {
                _venueOfSymbol[id] = -1;
                continue;
            }

            int index = names.IndexOf(venue);
            if (index < 0)
            {
                index = names.Count;
                names.Add(venue);
            }

            _venueOfSymbol[id] = index;
        }

        _names = [.. names];
    }

    /// <summary>How many venues trade the instruments.</summary>
    public int Count => _names.Length;

    /// <summary>The id of a venue by name ("kis", "alpaca", "paper"), or −1 when no instrument is traded there.</summary>
    public int IdOf(string venue) => Array.IndexOf(_names, venue);

    /// <summary>The name of a venue id.</summary>
    public string NameOf(int venueId) => _names[venueId];

    /// <summary>The venue id of a symbol id (−1 for a symbol routed to none, or an id out of range).</summary>
    public int VenueOf(int symbolId) => (uint)symbolId < (uint)_venueOfSymbol.Length ? _venueOfSymbol[symbolId] : -1;
}
