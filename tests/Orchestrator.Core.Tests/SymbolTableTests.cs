namespace Orchestrator.Core.Tests;

public sealed class SymbolTableTests
{
    [Fact]
    public void Symbols_AreInternedToDenseIdsInOrder_CaseInsensitively()
    {
        var table = new SymbolTable(["AAPL", "msft", " 005930 ", "AAPL"]);
        Assert.Equal(3, table.Count);
        Assert.Equal(0, table.GetId("aapl"));
        Assert.Equal(1, table.GetId("MSFT"));
        Assert.Equal(2, table.GetId("005930"));
        Assert.True(table.TryGetId("MSFT".AsSpan(), out int id));
        Assert.Equal(1, id);
        Assert.False(table.TryGetId("TSLA", out _));
        Assert.Equal("MSFT", table.GetName(1));
        Assert.Equal("?", table.GetName(99));
    }

    [Fact]
    public void TextInterner_IsBounded()
    {
        var interner = new TextInterner(capacity: 4);
        Assert.Equal(0, interner.Intern(null));
        int a = interner.Intern("a");
        int b = interner.Intern("b");
        Assert.Equal(a, interner.Intern("a"));
        Assert.NotEqual(a, b);
        int overflow = interner.Intern("c");
        Assert.Equal(3, overflow);
        Assert.Equal(3, interner.Intern("d"));
        Assert.Equal("(other)", interner.Get(overflow));
        Assert.Equal("b", interner.Get(b));
    }
}
