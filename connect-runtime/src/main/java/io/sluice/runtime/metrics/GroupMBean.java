package io.sluice.runtime.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanNotificationInfo;
import javax.management.MBeanOperationInfo;

/** A metric group as a read-only DynamicMBean: one attribute per metric, Double or String like Apache's JmxReporter. */
final class GroupMBean implements DynamicMBean {
    private final MetricGroup group;
    private final MBeanInfo info;

    GroupMBean(MetricGroup group) {
        this.group = group;
        List<MBeanAttributeInfo> attributes = new ArrayList<>();
        for (MetricGroup.Metric m : group.metrics().values()) {
            String type = m.kind() == MetricGroup.Kind.INFO ? String.class.getName() : double.class.getName();
            attributes.add(new MBeanAttributeInfo(m.name(), type, m.doc(), true, false, false));
        }
        this.info = new MBeanInfo(GroupMBean.class.getName(), "Metrics of " + group.type(),
                attributes.toArray(new MBeanAttributeInfo[0]), null, new MBeanOperationInfo[0],
                new MBeanNotificationInfo[0]);
    }

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException {
        MetricGroup.Metric metric = group.metrics().get(attribute);
        if (metric == null) {
            throw new AttributeNotFoundException("No attribute " + attribute + " in " + group);
        }
        return group.value(metric);
    }

    @Override
    public AttributeList getAttributes(String[] attributes) {
        AttributeList list = new AttributeList();
        Map<String, MetricGroup.Metric> metrics = group.metrics();
        for (String name : attributes) {
            MetricGroup.Metric metric = metrics.get(name);
            if (metric != null) {
                list.add(new Attribute(name, group.value(metric)));
            }
        }
        return list;
    }

    @Override
    public void setAttribute(Attribute attribute) {
        throw new UnsupportedOperationException("Metrics are read-only");
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList();
    }

    @Override
    public Object invoke(String actionName, Object[] params, String[] signature) {
        throw new UnsupportedOperationException("Metrics have no operations");
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        return info;
    }
}
