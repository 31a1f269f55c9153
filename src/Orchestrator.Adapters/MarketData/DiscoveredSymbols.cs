namespace Orchestrator.Adapters.MarketData;

/// <summary>
/// The symbols a <see cref="MarketDataFileReader"/> meets in a file whose symbols are not known
/// beforehand, interned to dense ids 0..Count-1 in order of first appearance (upper case, as a
/// <see cref="Core.SymbolTable"/> keeps them). Looking a symbol up allocates nothing; a new one
/// costs its string once. Not thread-safe: the reader's thread fills it.
/// </summary>
public sealed class DiscoveredSymbols
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly List<string> _names = [];

    public DiscoveredSymbols()
    {
        _lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => _names.Count;

    /// <summary>The symbols by id (order of first appearance).</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>The id of an upper-case, trimmed symbol already met.</summary>
    public bool TryGetId(ReadOnlySpan<char> symbol, out int id) => _lookup.TryGetValue(symbol, out id);

    /// <summary>The id of an upper-case, trimmed symbol, adding it when new.</summary>
    public int Add(ReadOnlySpan<char> symbol)
    {
        if (_lookup.TryGetValue(symbol, out int id))
        {
            return id;
        }

        string name = symbol.ToString();
        _ids.Add(name, _names.Count);
        _names.Add(name);
        return _names.Count - 1;
    }
}
