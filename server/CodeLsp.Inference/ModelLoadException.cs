namespace CodeLsp.Inference;

/// <summary>
/// A model file could not be loaded. <see cref="Exception.Message"/> says what is wrong in words a user can act on
/// and names the file.
/// </summary>
public sealed class ModelLoadException : Exception
{
    public ModelLoadException(string path, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Path = path;
    }

    /// <summary>The model file the message is about.</summary>
    public string Path { get; }
}
