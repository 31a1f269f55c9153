namespace Orchestrator.Core;

/// <summary>
/// Symbols interned to dense ids 0..Count-1 at start-up, so the hot path indexes arrays and
/// never hashes a string. Built once, then read-only (safe to share between threads).
/// </summary>
public sealed class SymbolTable
{
    private readonly string[] _names;
    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _spanLookup;

    public SymbolTable(IEnumerable<string> symbols)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        _ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var names = new List<string>();
        foreach (string raw in symbols)
        {
            string symbol = Normalize(raw);
            if (symbol.Length == 0)
            {
                throw new ArgumentException("A symbol must not be empty.", nameof(symbols));
            }

            if (_ids.TryAdd(symbol, names.Count))
            {
                names.Add(symbol);
            }
        }

        _names = [.. names];
        _spanLookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => _names.Length;

    public IReadOnlyList<string> Names => _names;

    public bool TryGetId(string symbol, out int id) => _ids.TryGetValue(Normalize(symbol), out id);

    /// <summary>Lookup without allocating, for parsers; the span must already be upper case and trimmed.</summary>
    public bool TryGetId(ReadOnlySpan<char> symbol, out int id) => _spanLookup.TryGetValue(symbol, out id);

    public int GetId(string symbol) =>
        TryGetId(symbol, out int id) ? id : throw new KeyNotFoundException($"Unknown symbol '{symbol}'.");

    public string GetName(int id) => (uint)id < (uint)_names.Length ? _names[id] : "?";

    private static string Normalize(string symbol) => symbol.Trim().ToUpperInvariant();
}
