using Orchestrator.Core;

namespace Orchestrator.Engine.Snapshots;

/// <summary>
/// The source names a snapshot keeps, so the source ids in it (<see cref="State.OrderRecord.SourceId"/>)
/// name the same agents after a restart, when the interner starts empty and the edges intern names in
/// another order. Ids 1 to <see cref="MaxNames"/> are written as fixed fields (the layout stays fixed);
/// restore interns them in id order and returns the map from the snapshot's ids to this process's.
/// An id past <see cref="MaxNames"/>, or a name longer than <see cref="MaxChars"/>, is not kept: it maps to 0
/// ("unknown source").
/// </summary>
internal static class SnapshotSources
{
    /// <summary>Source names a snapshot keeps (ids 1 to this).</summary>
    public const int MaxNames = 256;

    /// <summary>Longest name kept, in UTF-16 units (the edges' limit for a source name).</summary>
    public const int MaxChars = SignalLimits.MaxSourceLength;

    /// <summary>Writes ids 1 to <see cref="MaxNames"/> of <paramref name="sources"/> (the trading thread, at a checkpoint: no allocation).</summary>
    public static void Write(ref StateWriter w, TextInterner? sources)
    {
        int count = sources is null ? 0 : Math.Min(sources.Count, MaxNames + 1);
        w.Int32(count);
        for (int id = 1; id <= MaxNames; id++)
        {
            string text = id < count ? sources!.Get(id) : string.Empty;
            w.Text(text.Length <= MaxChars ? text : default, MaxChars); // too long to keep: empty, restores as unknown
        }
    }

    /// <summary>
    /// Reads what <see cref="Write"/> wrote and interns the names into <paramref name="sources"/>; returns
    /// the map old id → new id (length <see cref="MaxNames"/> + 1; recovery, may allocate).
    /// </summary>
    public static int[] Read(ref StateReader r, TextInterner? sources)
    {
        int count = r.Int32();
        int[] map = new int[MaxNames + 1];
        for (int id = 1; id <= MaxNames; id++)
        {
            string text = r.Text(MaxChars);
            map[id] = id < count && sources is not null ? sources.Intern(text) : 0; // the empty text interns as 0
        }

        return map;
    }

    /// <summary>The id <paramref name="oldId"/> of a snapshot has in this process (0 when the snapshot did not keep its name).</summary>
    public static int Map(int[] map, int oldId) => (uint)oldId < (uint)map.Length ? map[oldId] : 0;
}
