// The members Q_OBJECT would declare, spelled out so that AUTOMOC leaves these
// declaration headers alone: libdigikamcore already defines the meta-objects.
#pragma once

#include <QMetaObject>

#define DKCLOUD_DIGIKAM_QOBJECT_MEMBERS                              \
public:                                                             \
    static const QMetaObject staticMetaObject;                      \
    const QMetaObject* metaObject() const override;                 \
    void* qt_metacast(const char* className) override;              \
    int qt_metacall(QMetaObject::Call call, int id, void** args) override;
