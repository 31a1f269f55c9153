using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orchestrator.Adapters.Kis;

/// <summary>
/// The KIS access token kept between runs, one file per app key and server:
/// <c>kis-token-&lt;first 16 hex of SHA-256(server + app key)&gt;.json</c> in the cache directory
/// (mode 700), the file mode 600, written to a temporary file and renamed so a crash never leaves half
/// a token. The app key itself is not in the file or its name. A file that cannot be read is ignored
/// (a new token is asked for); one that cannot be written costs only the reuse after a restart.
/// </summary>
internal sealed class KisTokenFile
{
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly string _directory;

    public KisTokenFile(string directory, Uri? server, string appKey)
    {
        _directory = directory;
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes((server?.ToString() ?? string.Empty) + "\n" + appKey));
        Path = System.IO.Path.Combine(directory, "kis-token-" + Convert.ToHexStringLower(hash)[..16] + ".json");
    }

    /// <summary>The token file.</summary>
    public string Path { get; }

    /// <summary>The kept token and its expiry, or null when there is none (or it is unreadable).</summary>
    public (string Token, DateTimeOffset Expires)? Load()
    {
        try
        {
            if (!File.Exists(Path))
            {
                return null;
            }

            JsonObject? body = JsonNode.Parse(File.ReadAllText(Path)) as JsonObject;
            string? token = body?["access_token"]?.GetValue<string>();
            string? expires = body?["expires"]?.GetValue<string>();
            return !string.IsNullOrEmpty(token) && DateTimeOffset.TryParse(expires, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTimeOffset at)
                ? (token, at)
                : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Keeps <paramref name="token"/>; false if it could not be written.</summary>
    public bool Save(string token, DateTimeOffset expires)
    {
        string temporary = Path + ".tmp";
        try
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(_directory);
            }
            else
            {
                Directory.CreateDirectory(_directory, DirectoryMode);
            }

            var options = new FileStreamOptions { Mode = System.IO.FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = FileMode;
            }

            using (var stream = new FileStream(temporary, options))
            {
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(stream.SafeFileHandle, FileMode); // also when the temporary file was left by a crash
                }

                var body = new JsonObject { ["access_token"] = token, ["expires"] = expires.ToString("O", CultureInfo.InvariantCulture) };
                stream.Write(Encoding.UTF8.GetBytes(body.ToJsonString()));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, Path, overwrite: true);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Forgets the kept token (KIS refused it).</summary>
    public void Delete()
    {
        try
        {
            File.Delete(Path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // the next Save overwrites it
        }
    }
}
