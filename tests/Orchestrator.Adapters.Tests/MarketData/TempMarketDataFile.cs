namespace Orchestrator.Adapters.Tests.MarketData;

/// <summary>A uniquely named file under the temp folder, deleted on dispose.</summary>
internal sealed class TempMarketDataFile : IDisposable
{
    public TempMarketDataFile(string extension, string content)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "md-" + Guid.NewGuid().ToString("N") + extension);
        File.WriteAllText(Path, content);
    }

    public string Path { get; }

    public void Dispose() => File.Delete(Path);
}
