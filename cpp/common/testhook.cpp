#include "testhook.h"

#include <QFile>
#include <QTextStream>

namespace DkCloud
{

void writeTestHook(const QString& line)
{
    const QString path = qEnvironmentVariable("DKCLOUD_TEST_HOOK");
    if (path.isEmpty())
        return;
    QFile file(path);
    if (file.open(QIODevice::Append | QIODevice::Text))
        QTextStream(&file) << line << '\n';
}

bool testAutoUpload()
{
    return qEnvironmentVariable("DKCLOUD_TEST_AUTO_UPLOAD") == QLatin1String("1");
}

} // namespace DkCloud
