namespace Orchestrator.Core;

/// <summary>
/// Dense ids for free text that must travel with events (signal sources, reasons) without a
/// string in the slot. Thread-safe; bounded: past <see cref="Capacity"/> distinct strings the
/// last id stands for "(other)" so a chatty agent cannot grow memory without bound.
/// With <c>ignoreCase</c> (the engine's signal sources: agent names are case-insensitive everywhere)
/// texts that differ only in case share one id, and the spelling interned first is the one shown; the
/// lookup of a known text still allocates nothing.
/// </summary>
public sealed class TextInterner
{
    private readonly object _gate = new();
    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _spanIds;
    private readonly string[] _texts;
    private int _count;

    /// <param name="capacity">Distinct texts kept, the empty text and "(other)" included.</param>
    /// <param name="ignoreCase">Whether texts differing only in case are one (ordinal, culture-free comparison).</param>
    public TextInterner(int capacity = 4096, bool ignoreCase = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        _ids = new Dictionary<string, int>(ignoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        Capacity = capacity;
        _texts = new string[capacity];
        _texts[0] = string.Empty;
        _ids[string.Empty] = 0;
        _count = 1;
        _spanIds = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Capacity { get; }

    /// <summary>Ids in use: 0 to Count − 1 (any thread; acquire pairs with the release in <see cref="Intern(ReadOnlySpan{char})"/>).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The id for <paramref name="text"/> (0 for null or empty).</summary>
    public int Intern(string? text) => Intern(text.AsSpan());

    /// <summary>
    /// The id for <paramref name="text"/> (0 for empty), for parsers: a text seen before is found
    /// without allocating; only the first sighting of a text allocates its string.
    /// </summary>
    public int Intern(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return 0;
        }

        lock (_gate)
        {
            if (_spanIds.TryGetValue(text, out int id))
            {
                return id;
            }

            if (_count == Capacity - 1)
            {
                _texts[Capacity - 1] = "(other)";
                return Capacity - 1;
            }

            string added = text.ToString();
            id = _count;
            _texts[id] = added;
            _ids[added] = id;

            // Release: a reader outside the lock that sees the new count (Count, then Get) sees the text too.
            Volatile.Write(ref _count, id + 1);
            return id;
        }
    }

    public string Get(int id)
    {
        // Ids reach other threads through the ring (release/acquire), after the element was written.
        return (uint)id < (uint)_texts.Length ? _texts[id] ?? string.Empty : string.Empty;
    }
}
